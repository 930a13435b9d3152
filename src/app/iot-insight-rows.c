/* iot-insight-rows.c — the row objects of the IoT Insight window. */
#include "iot-insight-rows.h"
#include "iot-app-test.h"

#include <string.h>

char *
iot_insight_quote (const char *text)
{
  GString *out = g_string_new ("\"");

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

static GArray *
copy_frames (const GArray *frames)
{
  GArray *copy = g_array_new (FALSE, FALSE, sizeof (guint32));

  if (frames != NULL)
    g_array_append_vals (copy, frames->data, frames->len);
  return copy;
}

/* ---- a finding ------------------------------------------------------------ */

struct _IotInsightFindingRow {
  GObject        parent_instance;
  IotInsightItem item;
  char          *id;
  char          *related_label;
};

G_DEFINE_FINAL_TYPE (IotInsightFindingRow, iot_insight_finding_row, G_TYPE_OBJECT)

static void
iot_insight_finding_row_finalize (GObject *object)
{
  IotInsightFindingRow *self = IOT_INSIGHT_FINDING_ROW (object);

  g_free (self->id);
  g_free (self->related_label);
  g_free (self->item.subject);
  g_free (self->item.summary);
  g_free (self->item.explanation);
  g_free (self->item.confirm);
  g_array_unref (self->item.frames);
  g_array_unref (self->item.related);
  G_OBJECT_CLASS (iot_insight_finding_row_parent_class)->finalize (object);
}

static void
iot_insight_finding_row_class_init (IotInsightFindingRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = iot_insight_finding_row_finalize;
}

static void
iot_insight_finding_row_init (IotInsightFindingRow *self)
{
}

IotInsightFindingRow *
iot_insight_finding_row_new (const IotInsightItem *item)
{
  IotInsightFindingRow *self = g_object_new (IOT_TYPE_INSIGHT_FINDING_ROW, NULL);

  self->item = *item;
  self->id = g_strdup (item->id);
  self->related_label = g_strdup (item->related_label);
  self->item.id = self->id;
  self->item.related_label = self->related_label;
  self->item.subject = g_strdup (item->subject != NULL ? item->subject : "");
  self->item.summary = g_strdup (item->summary != NULL ? item->summary : "");
  self->item.explanation = g_strdup (item->explanation != NULL ? item->explanation : "");
  self->item.confidence = item->confidence;
  self->item.confirm = g_strdup (item->confirm);
  self->item.frames = copy_frames (item->frames);
  self->item.related = copy_frames (item->related);
  return self;
}

const IotInsightItem *
iot_insight_finding_row_get_item (IotInsightFindingRow *self)
{
  return &self->item;
}

static int
cmp_u32 (gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

char *
iot_insight_finding_row_dup_filter (IotInsightFindingRow *self)
{
  g_autoptr (GArray) all = copy_frames (self->item.frames);
  GString *out = g_string_new ("frame.number in {");
  guint written = 0;

  g_array_append_vals (all, self->item.related->data, self->item.related->len);
  g_array_sort (all, cmp_u32);
  for (guint i = 0; i < all->len; i++)
    {
      guint32 frame = g_array_index (all, guint32, i);

      if (i > 0 && frame == g_array_index (all, guint32, i - 1))
        continue;
      /* tshark 4.0 wants the members of a set separated by commas. */
      g_string_append_printf (out, "%s%u", written++ > 0 ? ", " : "", frame);
    }
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

/* ---- a level of the topic tree -------------------------------------------- */

struct _IotInsightTopicRow {
  GObject       parent_instance;
  char         *level;
  char         *path;
  gboolean      is_topic;
  IotTopicStats stats;
  GListStore   *children;    /* NULL until a child is added */
};

G_DEFINE_FINAL_TYPE (IotInsightTopicRow, iot_insight_topic_row, G_TYPE_OBJECT)

static void
iot_insight_topic_row_finalize (GObject *object)
{
  IotInsightTopicRow *self = IOT_INSIGHT_TOPIC_ROW (object);

  g_free (self->level);
  g_free (self->path);
  g_ptr_array_unref (self->stats.publishers);
  g_ptr_array_unref (self->stats.subscribers);
  g_clear_object (&self->children);
  G_OBJECT_CLASS (iot_insight_topic_row_parent_class)->finalize (object);
}

static void
iot_insight_topic_row_class_init (IotInsightTopicRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = iot_insight_topic_row_finalize;
}

static void
iot_insight_topic_row_init (IotInsightTopicRow *self)
{
  self->stats.publishers = g_ptr_array_new_with_free_func (g_free);
  self->stats.subscribers = g_ptr_array_new_with_free_func (g_free);
  self->stats.period_s = -1;
  self->stats.jitter_s = -1;
}

static void
add_names (GPtrArray *dest, const GPtrArray *names)
{
  guint index;

  if (names == NULL)
    return;
  for (guint i = 0; i < names->len; i++)
    if (!g_ptr_array_find_with_equal_func (dest, names->pdata[i], g_str_equal, &index))
      g_ptr_array_add (dest, g_strdup (names->pdata[i]));
}

/* Adds a topic's counts to a level (the topic itself or one above it). */
static void
add_counts (IotInsightTopicRow *self, const IotTopicStats *topic)
{
  self->stats.messages += topic->messages;
  self->stats.published += topic->published;
  self->stats.delivered += topic->delivered;
  self->stats.bytes += topic->bytes;
  for (guint q = 0; q < 3; q++)
    self->stats.qos[q] += topic->qos[q];
  self->stats.retained += topic->retained;
  self->stats.rate_per_min += topic->rate_per_min;
  self->stats.gaps += topic->gaps;
  add_names (self->stats.publishers, topic->publishers);
  add_names (self->stats.subscribers, topic->subscribers);
}

static IotInsightTopicRow *
child_get (GListStore *store, const char *level, const char *path)
{
  IotInsightTopicRow *row;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      g_autoptr (IotInsightTopicRow) child = g_list_model_get_item (G_LIST_MODEL (store), i);

      if (strcmp (child->level, level) == 0)
        return child;   /* the store keeps it alive */
    }
  row = g_object_new (IOT_TYPE_INSIGHT_TOPIC_ROW, NULL);
  row->level = g_strdup (level);
  row->path = g_strdup (path);
  row->stats.topic = row->path;
  g_list_store_append (store, row);
  g_object_unref (row);
  return row;
}

static int
cmp_levels (gconstpointer a, gconstpointer b, gpointer data)
{
  return g_strcmp0 (((const IotInsightTopicRow *) a)->level, ((const IotInsightTopicRow *) b)->level);
}

/* Siblings in name order, at every level. */
static void
sort_tree (GListStore *store)
{
  g_list_store_sort (store, cmp_levels, NULL);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      g_autoptr (IotInsightTopicRow) row = g_list_model_get_item (G_LIST_MODEL (store), i);

      if (row->children != NULL)
        sort_tree (row->children);
    }
}

GListStore *
iot_insight_topic_row_build_tree (IotInsight *insight)
{
  GListStore *top = g_list_store_new (IOT_TYPE_INSIGHT_TOPIC_ROW);

  for (guint i = 0; i < iot_insight_n_topics (insight); i++)
    {
      const IotTopicStats *topic = iot_insight_topic (insight, i);
      g_auto (GStrv) levels = g_strsplit (topic->topic, "/", -1);
      g_autoptr (GString) path = g_string_new (NULL);
      GListStore *store = top;
      IotInsightTopicRow *row = NULL;

      for (guint k = 0; levels[k] != NULL; k++)
        {
          if (k > 0)
            {
              g_string_append_c (path, '/');
              if (row->children == NULL)
                row->children = g_list_store_new (IOT_TYPE_INSIGHT_TOPIC_ROW);
              store = row->children;
            }
          g_string_append (path, levels[k]);
          row = child_get (store, levels[k], path->str);
          add_counts (row, topic);
        }
      /* The topic's own timing; levels above it have none. */
      row->is_topic = TRUE;
      row->stats.period_s = topic->period_s;
      row->stats.jitter_s = topic->jitter_s;
    }
  sort_tree (top);
  return top;
}

const char *
iot_insight_topic_row_get_level (IotInsightTopicRow *self)
{
  return self->level;
}

const char *
iot_insight_topic_row_get_path (IotInsightTopicRow *self)
{
  return self->path;
}

gboolean
iot_insight_topic_row_is_topic (IotInsightTopicRow *self)
{
  return self->is_topic;
}

GListModel *
iot_insight_topic_row_get_children (IotInsightTopicRow *self)
{
  return self->children != NULL ? G_LIST_MODEL (self->children) : NULL;
}

const IotTopicStats *
iot_insight_topic_row_get_stats (IotInsightTopicRow *self)
{
  return &self->stats;
}

/* @text with the characters that mean something in a regular expression
 * escaped. */
static char *
regex_escape (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (strchr ("\\^$.|?*+()[]{}", *p) != NULL)
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

char *
iot_insight_topic_row_dup_filter (IotInsightTopicRow *self)
{
  g_autofree char *exact = iot_insight_quote (self->path);
  g_autofree char *escaped = NULL;
  g_autofree char *regex = NULL;
  g_autofree char *pattern = NULL;

  if (self->children == NULL)
    return g_strdup_printf ("mqtt.topic == %s", exact);
  escaped = regex_escape (self->path);
  regex = g_strdup_printf ("^%s/", escaped);
  pattern = iot_insight_quote (regex);
  /* A level that is a topic as well: its own messages and those below. */
  if (self->is_topic)
    return g_strdup_printf ("mqtt.topic == %s || mqtt.topic matches %s", exact, pattern);
  return g_strdup_printf ("mqtt.topic matches %s", pattern);
}

/* ---- an MQTT session ------------------------------------------------------- */

struct _IotInsightSessionRow {
  GObject        parent_instance;
  IotMqttSession session;
};

G_DEFINE_FINAL_TYPE (IotInsightSessionRow, iot_insight_session_row, G_TYPE_OBJECT)

static void
iot_insight_session_row_finalize (GObject *object)
{
  IotInsightSessionRow *self = IOT_INSIGHT_SESSION_ROW (object);

  g_free (self->session.client_id);
  g_free (self->session.client);
  g_free (self->session.broker);
  G_OBJECT_CLASS (iot_insight_session_row_parent_class)->finalize (object);
}

static void
iot_insight_session_row_class_init (IotInsightSessionRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = iot_insight_session_row_finalize;
}

static void
iot_insight_session_row_init (IotInsightSessionRow *self)
{
}

IotInsightSessionRow *
iot_insight_session_row_new (const IotMqttSession *session)
{
  IotInsightSessionRow *self = g_object_new (IOT_TYPE_INSIGHT_SESSION_ROW, NULL);

  self->session = *session;
  self->session.client_id = g_strdup (session->client_id != NULL ? session->client_id : "");
  self->session.client = g_strdup (session->client != NULL ? session->client : "");
  self->session.broker = g_strdup (session->broker != NULL ? session->broker : "");
  /* end_reason points to a static string of the core. */
  return self;
}

const IotMqttSession *
iot_insight_session_row_get_session (IotInsightSessionRow *self)
{
  return &self->session;
}

gboolean
iot_insight_session_row_silence_exceeded (IotInsightSessionRow *self)
{
  /* Keep-alive 0 switches the check off. */
  return self->session.keepalive_s > 0 && self->session.longest_silence_s > self->session.keepalive_s;
}

char *
iot_insight_session_row_dup_filter (IotInsightSessionRow *self)
{
  return g_strdup_printf ("tcp.stream eq %u", self->session.stream);
}
