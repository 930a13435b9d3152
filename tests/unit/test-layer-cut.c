/* test-layer-cut.c — a dissection that reads only some fields leaves out
 * the layers none of them can be in (iot-layer-cut.c), and that changes
 * nothing it reads: over every capture in tests/captures, each filter
 * below passes the same frames, and each field list finds the same field
 * nodes (offset, length, value), with the cut and without it. */
#include "iot-core-private.h"
#include "iot-engine.h"
#include "iot-filter.h"
#include "iot-packet.h"

#include <string.h>

#include "test-util.h"

static const char *const filters[] = {
  "ip.src", "mqtt.msgtype == 3 && mqtt.qos == 1", "!mqtt", "mqtt", "coap", "!coap", "json", "!json",
  "dns", "!dns", "mdns", "tcp.srcport == 1883", "udp.port == 5683", "data", "!data", "frame.len > 100",
  "senml", "lwm2m", "lwm2mtlv", "cbor", "xml", "protobuf", "sparkplugb", "data-text-lines",
  "_ws.malformed", "_ws.expert", "tcp.analysis.flags", "frame.protocols contains \"json\"",
  "arp", "dhcp", "ntp", "mqtt.topic contains \"temp\"", "coap.opt.uri_path == \"sensors\"",
  "json.value.number > 20", "urlencoded-form", "eth.type == 0x0806", "ipv6", "udp",
  "eth.trailer", "eth.padding",
};

static const char *const field_lists[][4] = {
  { "frame.number", "ip.src", "tcp.srcport", NULL },
  { "udp.srcport", "dns.qry.name", NULL },
  { "frame.len", "eth.src", NULL },
  { "coap.code", "json.key", NULL },
  { "mqtt.topic", "tcp.stream", NULL },
  { "ipv6.src", "udp.length", NULL },
  /* The link layer's leftovers depend on how much its payload read. */
  { "eth.trailer", "eth.padding", NULL },
};

static IotFieldSet *
field_set_of (const char *const *abbrevs)
{
  IotFieldSet *set = iot_field_set_new ();

  for (guint i = 0; abbrevs[i] != NULL; i++)
    {
      const IotField *field = iot_registry_field (abbrevs[i]);

      g_assert_nonnull (field);
      iot_field_set_add (set, field);
    }
  return set;
}

static gboolean
is_skipped (IotFieldSet *set, const char *abbrev)
{
  const guint8 *skip = iot_field_set_skippable (set);
  const IotDissector *d = iot_registry_dissector (abbrev);

  g_assert_nonnull (d);
  return skip != NULL && skip[d->id];
}

/* What may be left out follows the fields and what each layer may call. */
static void
test_what_is_left_out (void)
{
  static const char *const low[] = { "frame.number", "ip.src", "tcp.srcport", NULL };
  static const char *const in_json[] = { "json.key", NULL };
  static const char *const in_data[] = { "data.data", NULL };
  static const char *const in_dns[] = { "dns.qry.name", NULL };
  static const char *const summing_up[] = { "ip.src", "frame.protocols", NULL };
  static const char *const no_layer[] = { "ip.src", "_ws.expert", NULL };
  g_autoptr (IotFieldSet) set = NULL;

  iot_registry_init ();
  set = field_set_of (low);
  g_assert_true (is_skipped (set, "coap"));
  g_assert_true (is_skipped (set, "mqtt"));
  g_assert_true (is_skipped (set, "json"));
  /* ARP's length decides Ethernet's trailer: never left out. */
  g_assert_false (is_skipped (set, "arp"));
  g_assert_false (is_skipped (set, "tcp"));
  g_assert_false (is_skipped (set, "ip"));
  /* Not listed: may call anything, never left out. */
  g_assert_false (is_skipped (set, "http"));
  g_assert_false (is_skipped (set, "zep"));
  g_clear_pointer (&set, iot_field_set_free);

  /* JSON is needed, and so is every layer that may hand bytes to it. */
  set = field_set_of (in_json);
  g_assert_false (is_skipped (set, "json"));
  g_assert_false (is_skipped (set, "coap"));
  g_assert_false (is_skipped (set, "mqtt"));
  g_assert_true (is_skipped (set, "dns"));
  g_assert_true (is_skipped (set, "cbor"));
  g_clear_pointer (&set, iot_field_set_free);

  set = field_set_of (in_data);
  g_assert_false (is_skipped (set, "coap"));
  g_assert_false (is_skipped (set, "ntp"));
  g_assert_true (is_skipped (set, "dns"));
  g_clear_pointer (&set, iot_field_set_free);

  set = field_set_of (in_dns);
  g_assert_false (is_skipped (set, "dns"));
  g_assert_false (is_skipped (set, "mdns"));   /* its records are DNS's */
  g_clear_pointer (&set, iot_field_set_free);

  /* Fields that sum up every layer, or belong to none: nothing is left out. */
  set = field_set_of (summing_up);
  g_assert_null (iot_field_set_skippable (set));
  g_clear_pointer (&set, iot_field_set_free);
  set = field_set_of (no_layer);
  g_assert_null (iot_field_set_skippable (set));
}

/* The nodes of wanted fields, in order.  (Expert items are made for the
 * row colour whether wanted or not; a layer left out makes none, and
 * nothing that reads only the wanted fields sees them.) */
static GPtrArray *
wanted_nodes (IotPacket *pkt, const IotFieldSet *wanted)
{
  GPtrArray *nodes = g_ptr_array_new ();

  for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);

      if (node->field != NULL && iot_field_set_contains (wanted, node->field))
        g_ptr_array_add (nodes, (gpointer) node);
    }
  return nodes;
}

/* Values held at v.p (an empty one leaves only a pointer to compare). */
static gboolean
points_to_value (const IotNode *node)
{
  switch (node->field->type)
    {
    case IOT_FT_NONE:
    case IOT_FT_PROTOCOL:
    case IOT_FT_STRING:
    case IOT_FT_STRINGZ:
    case IOT_FT_BYTES:
    case IOT_FT_ETHER:
    case IOT_FT_IPV6:
    case IOT_FT_EUI64:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
same_nodes (IotPacket *pa, IotPacket *pb, const IotFieldSet *wanted)
{
  g_autoptr (GPtrArray) a = wanted_nodes (pa, wanted);
  g_autoptr (GPtrArray) b = wanted_nodes (pb, wanted);

  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    {
      const IotNode *x = a->pdata[i], *y = b->pdata[i];

      if (x->field != y->field || x->offset != y->offset || x->length != y->length || x->vlen != y->vlen)
        return FALSE;
      if (x->vlen == 0 && !points_to_value (x) && x->v.u != y->v.u)
        return FALSE;
      if (x->vlen != 0 && memcmp (x->v.p, y->v.p, x->vlen) != 0)
        return FALSE;
    }
  return TRUE;
}

/* Dissects every frame with and without the cut; @filter (may be NULL)
 * must give the same answer and the wanted nodes must be the same. */
static guint
compare_capture (IotEngine *engine, IotFieldSet *wanted, IotFilter *filter, const char *what)
{
  g_autoptr (IotPacket) whole = iot_packet_new ();
  g_autoptr (IotPacket) cut = iot_packet_new ();
  IotDissectOptions full = { .fields = wanted }, only = { .fields = wanted, .only_fields = TRUE };
  guint32 n = iot_file_n_frames (iot_engine_file (engine));
  guint matched = 0;

  for (guint32 number = 1; number <= n; number++)
    {
      gboolean a, b;

      iot_engine_dissect (engine, whole, number, &full);
      iot_engine_dissect (engine, cut, number, &only);
      if (filter != NULL)
        {
          a = iot_filter_matches (filter, whole);
          b = iot_filter_matches (filter, cut);
          if (a != b)
            g_error ("%s, frame %u: the filter says %d on the whole frame, %d with layers left out",
                     what, number, a, b);
          matched += a;
        }
      else if (!same_nodes (whole, cut, wanted))
        {
          g_error ("%s, frame %u: the fields differ with layers left out", what, number);
        }
    }
  return matched;
}

static void
test_same_results (void)
{
  g_autoptr (GPtrArray) paths = test_capture_paths ();
  g_autoptr (GPtrArray) compiled = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_filter_free);
  guint64 matched = 0;

  for (guint f = 0; f < G_N_ELEMENTS (filters); f++)
    {
      g_autoptr (IotFilterProblem) problem = NULL;
      IotFilter *filter = iot_filter_compile (filters[f], &problem);

      if (filter == NULL)
        g_error ("%s: %s", filters[f], problem->message);
      g_ptr_array_add (compiled, filter);
    }
  g_assert_cmpuint (paths->len, >, 20);
  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr (IotFile) file = iot_file_open (paths->pdata[i], NULL);
      g_autoptr (IotEngine) engine = NULL;

      if (file == NULL)
        continue;   /* captures made to fail opening */
      engine = iot_engine_new (file);
      g_assert_true (iot_engine_first_pass (engine, NULL));
      for (guint f = 0; f < compiled->len; f++)
        {
          g_autoptr (IotFieldSet) wanted = iot_field_set_new ();
          g_autofree char *what = g_strdup_printf ("%s, -Y '%s'", (const char *) paths->pdata[i], filters[f]);

          iot_filter_add_fields (compiled->pdata[f], wanted);
          matched += compare_capture (engine, wanted, compiled->pdata[f], what);
        }
      for (guint l = 0; l < G_N_ELEMENTS (field_lists); l++)
        {
          g_autoptr (IotFieldSet) wanted = field_set_of (field_lists[l]);
          g_autofree char *what = g_strdup_printf ("%s, -e %s …", (const char *) paths->pdata[i],
                                                   field_lists[l][0]);

          compare_capture (engine, wanted, NULL, what);
        }
    }
  /* The filters matched something: the comparison had frames to compare. */
  g_assert_cmpuint (matched, >, 1000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/layer-cut/what-is-left-out", test_what_is_left_out);
  g_test_add_func ("/layer-cut/same-results", test_same_results);
  return g_test_run ();
}
