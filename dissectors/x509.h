/* x509.h — X.509 certificate reader used by TLS and DTLS. */
#pragma once

#include "iot-dissector.h"

/* Adds the decoded fields of the DER certificate in [off, off+len) of
 * @buf below @tree.  Never throws: a certificate that is cut short or not
 * valid DER is decoded as far as it goes and then marked with an expert
 * note.  Returns the subject as "CN=…, O=…" in packet memory, or NULL. */
const char *iot_x509_dissect_certificate (IotPacket *pkt, int tree, const IotBuf *buf,
                                          guint off, guint len);
