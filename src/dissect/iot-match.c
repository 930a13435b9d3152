/* iot-match.c — pairing requests with their responses. */
#include "iot-match.h"

struct _IotMatcher {
  GHashTable *open;   /* GBytes key -> request frame */
  GHashTable *peer;   /* frame -> paired frame, both ways */
};

IotMatcher *
iot_matcher_new (void)
{
  IotMatcher *matcher = g_new0 (IotMatcher, 1);

  matcher->open = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, NULL);
  matcher->peer = g_hash_table_new (g_direct_hash, g_direct_equal);
  return matcher;
}

void
iot_matcher_free (IotMatcher *matcher)
{
  if (matcher == NULL)
    return;
  g_hash_table_destroy (matcher->open);
  g_hash_table_destroy (matcher->peer);
  g_free (matcher);
}

void
iot_matcher_request (IotMatcher *matcher, const void *key, gsize len, guint32 frame)
{
  g_hash_table_replace (matcher->open, g_bytes_new (key, len), GUINT_TO_POINTER (frame));
}

guint32
iot_matcher_response (IotMatcher *matcher, const void *key, gsize len, guint32 frame)
{
  /* Looked up without copying the key. */
  GBytes *lookup = g_bytes_new_static (key, len);
  guint32 request = GPOINTER_TO_UINT (g_hash_table_lookup (matcher->open, lookup));

  g_bytes_unref (lookup);
  if (request == 0 || g_hash_table_contains (matcher->peer, GUINT_TO_POINTER (request)))
    return 0;
  g_hash_table_insert (matcher->peer, GUINT_TO_POINTER (request), GUINT_TO_POINTER (frame));
  g_hash_table_insert (matcher->peer, GUINT_TO_POINTER (frame), GUINT_TO_POINTER (request));
  return request;
}

guint32
iot_matcher_peer (IotMatcher *matcher, guint32 frame)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (matcher->peer, GUINT_TO_POINTER (frame)));
}
