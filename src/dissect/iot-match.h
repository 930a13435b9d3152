/* iot-match.h — pairing requests with their responses (ICMP echo and the
 * like): in the first pass a request opens a key and a response with the
 * same key closes it; afterwards, in any pass and any thread, each of the
 * two frames knows the other.  GLib only.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _IotMatcher IotMatcher;

IotMatcher *iot_matcher_new (void);
void        iot_matcher_free (IotMatcher *matcher);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotMatcher, iot_matcher_free)

/* First pass only.  A request with the @len bytes of @key; a later request
 * with the same key takes its place (a retry). */
void        iot_matcher_request (IotMatcher *matcher, const void *key, gsize len, guint32 frame);
/* First pass only.  A response to the open request with @key: the two are
 * paired unless that request already has its response.  Returns the
 * request's frame, or 0 when none is paired. */
guint32     iot_matcher_response (IotMatcher *matcher, const void *key, gsize len, guint32 frame);
/* The frame paired with @frame, or 0. */
guint32     iot_matcher_peer (IotMatcher *matcher, guint32 frame);

G_END_DECLS
