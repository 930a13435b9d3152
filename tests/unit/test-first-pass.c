/* test-first-pass.c — the first pass only updates state: nobody reads its
 * tree, so over every capture in tests/captures it makes no tree node at
 * all (no field, label or expert item), while a frame's worst expert
 * severity (the row colour) is still what the full tree shows. */
#include "iot-core-private.h"
#include "iot-engine.h"
#include "iot-packet.h"

#include <string.h>

#include "test-util.h"

static void
test_no_nodes_in_first_pass (void)
{
  g_autoptr (GPtrArray) paths = test_capture_paths ();
  guint64 frames = 0;

  g_assert_cmpuint (paths->len, >, 20);
  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (IotFile) file = iot_file_open (paths->pdata[i], &error);
      g_autoptr (IotEngine) engine = NULL;

      if (file == NULL)
        {
          /* Captures made to fail opening are the file tests' business. */
          g_test_message ("%s: %s", (const char *) paths->pdata[i], error->message);
          continue;
        }
      engine = iot_engine_new (file);
      g_assert_true (iot_engine_first_pass (engine, NULL));
      if (iot_engine_first_pass_nodes (engine) != 0)
        g_error ("%s: the first pass made %" G_GUINT64_FORMAT " tree nodes", (const char *) paths->pdata[i],
                 iot_engine_first_pass_nodes (engine));
      frames += iot_file_n_frames (file);
    }
  g_assert_cmpuint (frames, >, 1000);
}

/* A dissection nobody reads (no flags, no fields) is state-only too, and
 * keeps each frame's worst severity; the same frame with a tree gets its
 * nodes and the same severity. */
static void
test_severity_without_tree (void)
{
  g_autoptr (GPtrArray) paths = test_capture_paths ();
  g_autoptr (IotPacket) bare = iot_packet_new ();
  g_autoptr (IotPacket) full = iot_packet_new ();
  IotDissectOptions none = { 0 };
  IotDissectOptions tree = { .flags = IOT_DISSECT_TREE };
  guint with_expert = 0;

  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr (IotFile) file = iot_file_open (paths->pdata[i], NULL);
      g_autoptr (IotEngine) engine = NULL;

      if (file == NULL)
        continue;
      engine = iot_engine_new (file);
      iot_engine_first_pass (engine, NULL);
      for (guint32 number = 1; number <= iot_file_n_frames (file); number++)
        {
          iot_engine_dissect (engine, bare, number, &none);
          iot_engine_dissect (engine, full, number, &tree);
          g_assert_cmpuint (iot_packet_n_nodes (bare), ==, 0);
          g_assert_cmpuint (iot_packet_n_nodes (full), >, 0);
          if (iot_packet_max_severity (bare) != iot_packet_max_severity (full))
            g_error ("%s frame %u: severity %d without the tree, %d with it", (const char *) paths->pdata[i],
                     number, iot_packet_max_severity (bare), iot_packet_max_severity (full));
          with_expert += iot_packet_max_severity (full) >= IOT_SEV_WARN;
        }
    }
  /* The captures hold malformed frames, retransmissions, resets … */
  g_assert_cmpuint (with_expert, >, 50);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  iot_registry_init ();
  g_test_add_func ("/first-pass/no-nodes", test_no_nodes_in_first_pass);
  g_test_add_func ("/first-pass/severity-without-tree", test_severity_without_tree);
  return g_test_run ();
}
