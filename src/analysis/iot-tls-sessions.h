/* iot-tls-sessions.h — which TLS and DTLS sessions of a capture could be
 * decrypted, with which kind of secret, and why the others could not.
 *
 * The TLS and DTLS dissectors note on the first protected record of each
 * direction which secret decrypted it or why none did (the hidden
 * tls.decryption.secret / .failure, published as IOT_TAP_TLS_NOTE
 * records); this collector gathers them per session (TCP or UDP stream,
 * from the conversation records) while frames are dissected in order,
 * for the security audit and the window's status bar.  It reads tap
 * records only, so it can listen to the first pass.  GLib only.
 */
#pragma once

#include <gio/gio.h>

#include "iot-engine.h"
#include "iot-scan.h"

G_BEGIN_DECLS

typedef struct {
  gboolean dtls;
  guint32  stream;          /* tcp.stream or udp.stream */
  guint32  first_frame;
  char    *client;          /* "addr:port" of the sender of the first frame seen */
  char    *server;
  char    *secret;          /* which secret decrypted it; NULL: not decrypted */
  char    *failure;         /* why (a direction) could not be decrypted; NULL: no reason recorded */
  guint32  note_frame;      /* the frame of the first note; 0: none */
} IotTlsSession;

typedef struct _IotTlsSessions IotTlsSessions;

IotTlsSessions *iot_tls_sessions_new (void);
void            iot_tls_sessions_free (IotTlsSessions *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotTlsSessions, iot_tls_sessions_free)

/* What a dissection must produce for iot_tls_sessions_add_packet(): the
 * conversation and TLS note taps, no field. */
void            iot_tls_sessions_add_wanted (IotTlsSessions *self, IotFieldSet *wanted, IotDissectFlags *flags);
void            iot_tls_sessions_add_packet (IotTlsSessions *self, IotPacket *pkt);
/* Dissects every frame the engine's first pass covered.  FALSE when cancelled. */
gboolean        iot_tls_sessions_scan (IotTlsSessions *self, IotEngine *engine, GCancellable *cancellable);
/* As a scan listener (instance: an IotTlsSessions). */
extern const IotScanListener iot_tls_sessions_listener;

/* Sessions in the order they began. */
guint                iot_tls_sessions_n (IotTlsSessions *self);
const IotTlsSession *iot_tls_sessions_get (IotTlsSessions *self, guint index);
guint                iot_tls_sessions_n_decrypted (IotTlsSessions *self);
/* Whether any session carries a decryption note (secrets were at work). */
gboolean             iot_tls_sessions_any_note (IotTlsSessions *self);

G_END_DECLS
