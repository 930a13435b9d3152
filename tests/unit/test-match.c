/* test-match.c — pairing requests with responses (iot-match). */
#include "iot-match.h"

static void
test_pairs (void)
{
  g_autoptr (IotMatcher) m = iot_matcher_new ();
  const guint8 a[] = { 0, 1, 0, 1, 10, 0, 0, 1 };
  const guint8 b[] = { 0, 1, 0, 2, 10, 0, 0, 1 };

  iot_matcher_request (m, a, sizeof a, 1);
  iot_matcher_request (m, b, sizeof b, 2);
  /* Responses pair with the request of the same key, in any order. */
  g_assert_cmpuint (iot_matcher_response (m, b, sizeof b, 3), ==, 2);
  g_assert_cmpuint (iot_matcher_response (m, a, sizeof a, 4), ==, 1);
  g_assert_cmpuint (iot_matcher_peer (m, 1), ==, 4);
  g_assert_cmpuint (iot_matcher_peer (m, 4), ==, 1);
  g_assert_cmpuint (iot_matcher_peer (m, 2), ==, 3);
  g_assert_cmpuint (iot_matcher_peer (m, 3), ==, 2);
  /* A second response to a paired request stays alone. */
  g_assert_cmpuint (iot_matcher_response (m, a, sizeof a, 5), ==, 0);
  g_assert_cmpuint (iot_matcher_peer (m, 5), ==, 0);
  g_assert_cmpuint (iot_matcher_peer (m, 1), ==, 4);
}

static void
test_retry_and_strangers (void)
{
  g_autoptr (IotMatcher) m = iot_matcher_new ();
  const guint8 key[] = { 7, 7 };
  const guint8 shorter[] = { 7 };

  /* A retried request replaces the first: the response answers the retry. */
  iot_matcher_request (m, key, sizeof key, 10);
  iot_matcher_request (m, key, sizeof key, 11);
  g_assert_cmpuint (iot_matcher_response (m, key, sizeof key, 12), ==, 11);
  g_assert_cmpuint (iot_matcher_peer (m, 10), ==, 0);
  /* Keys are compared by length too; an unknown key pairs nothing. */
  g_assert_cmpuint (iot_matcher_response (m, shorter, sizeof shorter, 13), ==, 0);
  g_assert_cmpuint (iot_matcher_peer (m, 13), ==, 0);
  g_assert_cmpuint (iot_matcher_peer (m, 99), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/match/pairs", test_pairs);
  g_test_add_func ("/match/retry-and-strangers", test_retry_and_strangers);
  return g_test_run ();
}
