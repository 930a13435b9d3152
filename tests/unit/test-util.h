/* test-util.h — building small captures in memory for unit tests. */
#pragma once

#include <glib.h>
#include <string.h>

/* A classic little-endian microsecond pcap holding @n frames. */
static inline GBytes *
test_make_pcap (guint32 link_type, const guint8 *const *frames, const guint32 *caplens,
                const guint32 *lens, guint n)
{
  GByteArray *out = g_byte_array_new ();
  guint32 header[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 262144, link_type };

  g_byte_array_append (out, (const guint8 *) header, sizeof header);
  for (guint i = 0; i < n; i++)
    {
      guint32 record[4] = { 1700000000 + i, 250000 * i, caplens[i], lens[i] };

      g_byte_array_append (out, (const guint8 *) record, sizeof record);
      g_byte_array_append (out, frames[i], caplens[i]);
    }
  return g_byte_array_free_to_bytes (out);
}

/* g_ptr_array_sort() hands the comparison pointers to the elements, not
 * the elements: compare the strings they point to. */
static inline int
test_path_compare (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Every capture in tests/captures (run from the source root), sorted by
 * path so that a test visits them in the same order on every run. */
static inline GPtrArray *
test_capture_paths (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) dir = g_dir_open ("tests/captures", 0, &error);
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".pcap") || g_str_has_suffix (name, ".pcapng"))
      g_ptr_array_add (paths, g_build_filename ("tests/captures", name, NULL));
  g_ptr_array_sort (paths, test_path_compare);
  return paths;
}
