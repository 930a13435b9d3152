/* iot-reassembly.c — messages carried in several frames. */
#include "iot-reassembly.h"

#include <string.h>

typedef struct {
  GArray  *pieces;        /* IotPiece */
  guint32  total;         /* known once the last piece is seen */
  gboolean have_last;
  guint32  completed_in;
} Message;

struct _IotDefrag {
  GHashTable *open;       /* first pass: key (GBytes) -> Message* still incomplete */
  GPtrArray  *messages;   /* every Message*, owned */
  GHashTable *by_frame;   /* frame -> Message* it contributed to */
};

static void
message_free (gpointer data)
{
  Message *msg = data;

  g_array_unref (msg->pieces);
  g_free (msg);
}

IotDefrag *
iot_defrag_new (void)
{
  IotDefrag *self = g_new0 (IotDefrag, 1);

  self->open = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, NULL);
  self->messages = g_ptr_array_new_with_free_func (message_free);
  self->by_frame = g_hash_table_new (g_direct_hash, g_direct_equal);
  return self;
}

void
iot_defrag_free (IotDefrag *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->open);
  g_ptr_array_unref (self->messages);
  g_hash_table_unref (self->by_frame);
  g_free (self);
}

static int
compare_position (gconstpointer a, gconstpointer b)
{
  const IotPiece *x = a, *y = b;

  return (x->position > y->position) - (x->position < y->position);
}

/* Whether the pieces, sorted by position, cover [0, total) without a gap. */
static gboolean
message_complete (Message *msg)
{
  guint32 reach = 0;

  if (!msg->have_last)
    return FALSE;
  g_array_sort (msg->pieces, compare_position);
  for (guint i = 0; i < msg->pieces->len; i++)
    {
      const IotPiece *piece = &g_array_index (msg->pieces, IotPiece, i);

      if (piece->position > reach)
        return FALSE;
      reach = MAX (reach, piece->position + piece->length);
    }
  return reach >= msg->total;
}

gboolean
iot_defrag_add (IotDefrag *self, IotPacket *pkt, const void *key, gsize key_len, guint32 position,
                const IotBuf *buf, guint off, guint len, gboolean last)
{
  g_autoptr (GBytes) name = g_bytes_new (key, key_len);
  guint32 frame = iot_packet_frame_number (pkt);
  Message *msg = g_hash_table_lookup (self->open, name);
  IotPiece piece = { frame, buf->origin + off, len, position };

  if (msg == NULL)
    {
      msg = g_new0 (Message, 1);
      msg->pieces = g_array_new (FALSE, FALSE, sizeof (IotPiece));
      g_ptr_array_add (self->messages, msg);
      g_hash_table_insert (self->open, g_bytes_ref (name), msg);
    }
  g_array_append_val (msg->pieces, piece);
  g_hash_table_insert (self->by_frame, GUINT_TO_POINTER (frame), msg);
  if (last)
    {
      msg->have_last = TRUE;
      msg->total = position + len;
    }
  if (!message_complete (msg))
    return FALSE;
  /* Done: the same key may name a new message later (IP ids wrap). */
  msg->completed_in = frame;
  g_hash_table_remove (self->open, name);
  return TRUE;
}

guint32
iot_defrag_completed_in (IotDefrag *self, guint32 frame)
{
  Message *msg = g_hash_table_lookup (self->by_frame, GUINT_TO_POINTER (frame));

  return msg ? msg->completed_in : 0;
}

IotBuf
iot_defrag_rebuild (IotDefrag *self, IotPacket *pkt, const IotRebuildFields *fields, int parent)
{
  Message *msg = g_hash_table_lookup (self->by_frame, GUINT_TO_POINTER (iot_packet_frame_number (pkt)));

  g_return_val_if_fail (msg != NULL && msg->completed_in == iot_packet_frame_number (pkt),
                        (IotBuf) { 0 });
  return iot_rebuild_pieces (pkt, (const IotPiece *) msg->pieces->data, msg->pieces->len, fields, parent);
}

static void
add_group_label (IotPacket *pkt, int group, const IotPiece *pieces, guint n, guint32 total,
                 const char *word)
{
  g_autoptr (GString) label = NULL;

  if (group < 0 || !iot_packet_wants_tree (pkt))
    return;
  label = g_string_new (NULL);
  g_string_printf (label, "%u %s (%u bytes):", n, word, total);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (label, "%s #%u(%u)", i ? "," : "", pieces[i].frame, pieces[i].length);
  iot_tree_set_label (pkt, group, "%s", label->str);
}

IotBuf
iot_rebuild_pieces (IotPacket *pkt, const IotPiece *pieces, guint n, const IotRebuildFields *fields,
                    int parent)
{
  guint32 total = 0;
  guint8 *bytes;
  IotBuf whole;
  int group, node;

  for (guint i = 0; i < n; i++)
    total = MAX (total, pieces[i].position + pieces[i].length);
  bytes = g_malloc0 (MAX (total, 1));
  for (guint i = 0; i < n; i++)
    {
      guint32 caplen;
      const guint8 *data = iot_packet_frame_bytes (pkt, pieces[i].frame, &caplen);

      if (data != NULL && (guint64) pieces[i].offset + pieces[i].length <= caplen)
        memcpy (bytes + pieces[i].position, data + pieces[i].offset, pieces[i].length);
    }
  whole = iot_packet_add_source (pkt, iot_packet_strdup_printf (pkt, "%s (%u bytes)", fields->source_name, total),
                                 bytes, total);
  g_free (bytes);

  if (fields->group->type == IOT_FT_BYTES)
    group = iot_tree_add_bytes (pkt, parent, fields->group, &whole, 0, whole.length, whole.data, whole.length);
  else
    group = iot_tree_add_item (pkt, parent, fields->group, &whole, 0, whole.length, FALSE);
  iot_tree_set_generated (pkt, group);
  add_group_label (pkt, group, pieces, n, total, fields->group_label);
  for (guint i = 0; i < n; i++)
    {
      node = iot_tree_add_uint (pkt, group, fields->piece, &whole, pieces[i].position, pieces[i].length,
                                pieces[i].frame);
      iot_tree_set_label (pkt, node, "Frame: %u, payload: %u-%u (%u bytes)", pieces[i].frame,
                          pieces[i].position, pieces[i].position + pieces[i].length - 1, pieces[i].length);
      iot_tree_set_generated (pkt, node);
    }
  node = iot_tree_add_uint (pkt, group, fields->count, &whole, 0, 0, n);
  iot_tree_set_generated (pkt, node);
  node = iot_tree_add_uint (pkt, group, fields->length, &whole, 0, 0, total);
  iot_tree_set_generated (pkt, node);
  /* Some protocols name no field for the rebuilt bytes themselves. */
  if (fields->data != NULL)
    {
      node = iot_tree_add_bytes (pkt, group, fields->data, &whole, 0, whole.length, whole.data, whole.length);
      iot_tree_set_generated (pkt, node);
    }
  return whole;
}
