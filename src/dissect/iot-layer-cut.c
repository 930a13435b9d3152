/* iot-layer-cut.c — which layers a dissection that reads only some fields
 * may leave out.
 *
 * A filter or a `-T fields` list names a few fields.  A layer none of
 * them belongs to still costs its whole dissection, and so does every
 * layer it hands its bytes to.  A layer can be left out when neither it
 * nor anything it may call carries a wanted field.  What a dissector may
 * call is not in its registration, so the dissectors worth leaving out
 * (payload formats and small leaf protocols) say it here; a dissector
 * missing from this list, or reaching one that is, is never left out.
 * A dissection checks the list as it runs (check_declared_call()), so a
 * call the list does not know is reported instead of silently costing
 * output.
 *
 * A layer left out is taken as having read all its bytes, so only layers
 * whose length nobody below looks at are listed: ARP is not, because its
 * 28 bytes decide Ethernet's trailer.
 */
#include "iot-core-private.h"
#include "iot-mqtt-rules.h"

#include <string.h>

/* "media_type": every dissector in that string table. */
typedef struct {
  const char *abbrev;
  const char *calls[6];
} Carried;

static const Carried carried[] = {
  { "dns",             { NULL } },
  { "mdns",            { "dns", NULL } },     /* its records are DNS's (iot_dns_dissect_message) */
  { "dhcp",            { NULL } },
  { "ntp",             { "data", NULL } },
  { "data",            { NULL } },
  { "data-text-lines", { NULL } },
  { "xml",             { NULL } },
  { "urlencoded-form", { NULL } },
  { "protobuf",        { NULL } },
  { "senml",           { NULL } },
  { "lwm2mtlv",        { NULL } },
  { "lwm2m",           { NULL } },
  { "cbor",            { "senml", NULL } },
  { "json",            { "data-text-lines", "senml", NULL } },
  { "coap",            { "data", "lwm2m", "media_type", NULL } },
  { "sparkplugb",      { "protobuf", NULL } },
  /* And the protocol of every MQTT topic rule (see rule_callees ()). */
  { "mqtt",            { "json", "data", "media_type", "sparkplugb" } },
};

typedef struct {
  guint     n;
  gboolean *declared;   /* by dissector id */
  guint8   *direct;     /* n x n bits: [caller][callee] */
} CallGraph;

static GMutex cut_lock;

static void
graph_add (CallGraph *g, guint from, guint to)
{
  guint bit = from * g->n + to;

  g->direct[bit / 8] |= 1u << (bit % 8);
}

static gboolean
graph_has (const CallGraph *g, guint from, guint to)
{
  guint bit = from * g->n + to;

  return (g->direct[bit / 8] & (1u << (bit % 8))) != 0;
}

static void
add_string_table (CallGraph *g, guint from, const char *table)
{
  for (guint id = 0; id < g->n; id++)
    {
      const IotDissector *d = iot_registry_dissector_by_id (id);

      for (guint i = 0; d->string_handoff != NULL && d->string_handoff[i].table != NULL; i++)
        if (strcmp (d->string_handoff[i].table, table) == 0)
          graph_add (g, from, id);
    }
}

/* The declared calls, as they stand in the registry now. */
static CallGraph *graph;   /* built once, then only read */

static const CallGraph *
call_graph_locked (void)
{
  CallGraph *g;

  if (graph != NULL)
    return graph;
  g = g_new0 (CallGraph, 1);
  g->n = iot_registry_n_dissectors ();
  g->declared = g_new0 (gboolean, g->n);
  g->direct = g_new0 (guint8, (g->n * g->n + 7) / 8);
  for (guint i = 0; i < G_N_ELEMENTS (carried); i++)
    {
      const IotDissector *d = iot_registry_dissector (carried[i].abbrev);

      if (d == NULL)
        continue;
      g->declared[d->id] = TRUE;
      for (guint c = 0; carried[i].calls[c] != NULL; c++)
        {
          const IotDissector *callee = iot_registry_dissector (carried[i].calls[c]);

          if (callee != NULL)
            graph_add (g, d->id, callee->id);
          else
            add_string_table (g, d->id, carried[i].calls[c]);
        }
    }
  g_atomic_pointer_set (&graph, g);
  return g;
}

static const CallGraph *
call_graph (void)
{
  const CallGraph *g = g_atomic_pointer_get (&graph);

  if (g == NULL)
    {
      g_mutex_lock (&cut_lock);
      g = call_graph_locked ();
      g_mutex_unlock (&cut_lock);
    }
  return g;
}

/* The dissector each field belongs to (its fields and expert items), -1
 * for fields of no dissector (columns, _ws.expert …). */
static int *
field_owners (void)
{
  static int *owners;
  guint n_fields = iot_registry_n_fields ();
  int *o;

  if (owners != NULL)
    return owners;
  o = g_new (int, n_fields);
  for (guint f = 0; f < n_fields; f++)
    o[f] = -1;
  for (guint id = 0; id < iot_registry_n_dissectors (); id++)
    {
      const IotDissector *d = iot_registry_dissector_by_id (id);

      for (guint f = 0; f < d->n_fields; f++)
        if (d->fields[f].id >= 0 && (guint) d->fields[f].id < n_fields)
          o[d->fields[f].id] = (int) id;
      for (guint e = 0; e < d->n_experts; e++)
        if (d->experts[e].field.id >= 0 && (guint) d->experts[e].field.id < n_fields)
          o[d->experts[e].field.id] = (int) id;
    }
  owners = o;
  return owners;
}

/* MQTT hands a payload to the protocol its topic's rule names: the rules
 * set when the dissection runs (MQTT is needed when one of them is).
 * TRUE when that made MQTT needed. */
static gboolean
mqtt_rules_needed (gboolean *needed)
{
  const IotDissector *mqtt = iot_registry_dissector ("mqtt");

  if (mqtt == NULL || needed[mqtt->id])
    return FALSE;
  for (guint i = 0; i < iot_mqtt_rules_count (); i++)
    {
      const IotDissector *d = iot_registry_dissector (iot_mqtt_rules_nth (i)->protocol);

      if (d == NULL || needed[d->id])
        return needed[mqtt->id] = TRUE;
    }
  return FALSE;
}

/* Which dissectors a dissection wanting @set may leave out: one per
 * dissector id, or NULL when none (a wanted field that sums up every
 * layer, such as frame.protocols, or belongs to none). */
static guint8 *
compute_skippable (const IotFieldSet *set)
{
  const CallGraph *g = call_graph_locked ();
  const int *owners = field_owners ();
  const IotField *protocols = iot_registry_field ("frame.protocols");
  g_autofree gboolean *needed = g_new0 (gboolean, g->n);
  guint8 *skip;
  gboolean changed = TRUE, any = FALSE;

  for (guint f = 0; f < set->n_bits && f < iot_registry_n_fields (); f++)
    {
      if (!(set->bits[f / 8] & (1u << (f % 8))))
        continue;
      if (owners[f] < 0 || (protocols != NULL && (guint) protocols->id == f))
        return NULL;
      needed[owners[f]] = TRUE;
    }
  /* A dissector is needed when a wanted field is its own, when nobody
   * said what it calls, or when it may call one that is needed. */
  for (guint id = 0; id < g->n; id++)
    if (!g->declared[id])
      needed[id] = TRUE;
  while (changed)
    {
      changed = FALSE;
      for (guint from = 0; from < g->n; from++)
        for (guint to = 0; !needed[from] && to < g->n; to++)
          if (needed[to] && graph_has (g, from, to))
            needed[from] = changed = TRUE;
      changed |= mqtt_rules_needed (needed);
    }
  skip = g_new0 (guint8, g->n);
  for (guint id = 0; id < g->n; id++)
    {
      skip[id] = !needed[id];
      any |= skip[id];
    }
  if (!any)
    g_clear_pointer (&skip, g_free);
  return skip;
}

const guint8 *
iot_field_set_skippable (IotFieldSet *set)
{
  if (g_atomic_int_get (&set->skip_ready))
    return set->skip;
  g_mutex_lock (&cut_lock);
  if (!set->skip_ready)
    {
      set->skip = compute_skippable (set);
      g_atomic_int_set (&set->skip_ready, TRUE);
    }
  g_mutex_unlock (&cut_lock);
  return set->skip;
}

void
iot_layer_cut_check_call (const IotDissector *caller, const IotDissector *callee)
{
  const CallGraph *g;
  static gint warned;

  if (caller == NULL || callee == NULL || callee->id < 0)
    return;
  g = call_graph ();
  if ((guint) caller->id >= g->n || (guint) callee->id >= g->n || !g->declared[caller->id]
      || graph_has (g, caller->id, callee->id))
    return;
  if (strcmp (caller->abbrev, "mqtt") == 0)
    for (guint i = 0; i < iot_mqtt_rules_count (); i++)
      if (g_strcmp0 (iot_mqtt_rules_nth (i)->protocol, callee->abbrev) == 0)
        return;
  if (g_atomic_int_compare_and_exchange (&warned, 0, 1))
    g_warning ("%s called %s, which iot-layer-cut.c does not list among its calls: "
               "a dissection reading only some fields may leave %s out wrongly",
               caller->abbrev, callee->abbrev, caller->abbrev);
}

/* Which layers a frame must have had for a field of @set to be in it: the
 * fields' own dissectors, and the declared dissectors that may call one
 * of those (mDNS, which makes DNS's rows itself).  One byte per dissector
 * id, or NULL when that is not known: a field of no dissector, or of one
 * this file does not list (its rows might be made by any layer). */
guint8 *
iot_field_set_carriers (const IotFieldSet *set)
{
  const CallGraph *g;
  const int *owners;
  g_autofree guint8 *carriers = NULL;
  gboolean changed = TRUE, any = FALSE;

  g_mutex_lock (&cut_lock);
  g = call_graph_locked ();
  owners = field_owners ();
  carriers = g_new0 (guint8, g->n);
  for (guint f = 0; f < set->n_bits && f < iot_registry_n_fields (); f++)
    {
      if (!(set->bits[f / 8] & (1u << (f % 8))))
        continue;
      if (owners[f] < 0 || !g->declared[owners[f]])
        {
          g_mutex_unlock (&cut_lock);
          return NULL;
        }
      carriers[owners[f]] = any = TRUE;
    }
  while (changed)
    {
      changed = FALSE;
      for (guint from = 0; from < g->n; from++)
        for (guint to = 0; !carriers[from] && g->declared[from] && to < g->n; to++)
          if (carriers[to] && graph_has (g, from, to))
            carriers[from] = changed = TRUE;
    }
  g_mutex_unlock (&cut_lock);
  return any ? g_steal_pointer (&carriers) : NULL;
}
