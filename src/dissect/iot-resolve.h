/* iot-resolve.h — name resolution as tshark's -n / -N: hardware maker
 * names from the installed manuf and well-known-address lists.
 * GLib only.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* tshark's -N letters. */
typedef enum {
  IOT_RESOLVE_MAC         = 1 << 0,   /* m: MAC address makers and well-known addresses */
  IOT_RESOLVE_NETWORK     = 1 << 1,   /* n: IP addresses */
  IOT_RESOLVE_EXTERNAL    = 1 << 2,   /* N: external resolvers (not used: we never query the network) */
  IOT_RESOLVE_TRANSPORT   = 1 << 3,   /* t: port names */
  IOT_RESOLVE_DNS_PACKETS = 1 << 4,   /* d: names from DNS answers in the capture */
  IOT_RESOLVE_VLAN        = 1 << 5,   /* v: VLAN names */
} IotResolveFlags;

/* tshark's default, "mNd". */
#define IOT_RESOLVE_DEFAULT (IOT_RESOLVE_MAC | IOT_RESOLVE_EXTERNAL | IOT_RESOLVE_DNS_PACKETS)

/* Process-wide, like tshark's: set before dissecting. */
void            iot_resolve_set_flags (IotResolveFlags flags);
IotResolveFlags iot_resolve_get_flags (void);
/* Parses -N's letters; FALSE with @error naming a bad one. */
gboolean        iot_resolve_parse_flags (const char *text, IotResolveFlags *flags, GError **error);

/* The name tshark shows for a hardware address: "Broadcast",
 * "Raspberr_12:34:56", "IPv4mcast_7f:ff:fa", or the address itself when
 * no list knows it.  FALSE (and @out untouched) when MAC resolution is
 * off. */
gboolean        iot_resolve_ether (const guint8 mac[6], char *out, gsize size);
/* "Name (aa:bb:cc:dd:ee:ff)" with MAC resolution on, else the address. */
void            iot_resolve_ether_label (const guint8 mac[6], char *out, gsize size);
/* The maker's full name for a 24-bit OUI, or NULL; NULL too with MAC
 * resolution off. */
const char     *iot_resolve_oui (guint32 oui);

/* Transport port names (-N t), from Wireshark's services list (the
 * installed one, then the user's iotscope/services in the configuration
 * folder, whose lines win), as tshark reads them: "mqtt  1883/tcp/udp".
 * NULL when transport resolution is off or the port has no name. */
typedef enum {
  IOT_RESOLVE_TCP,
  IOT_RESOLVE_UDP,
} IotResolvePortKind;

const char     *iot_resolve_port (IotResolvePortKind kind, guint16 port);
/* A port as tshark's tree shows it: "mqtt (1883)", "54932 (54932)" with
 * transport resolution on, else "1883". */
void            iot_resolve_port_label (IotResolvePortKind kind, guint16 port, char *out, gsize size);
/* A port as tshark's Info column shows it: "mqtt(1883)" when it has a
 * name (and resolution is on), else "1883". */
void            iot_resolve_port_info (IotResolvePortKind kind, guint16 port, char *out, gsize size);

/* Host names (-N n), never asked of the network: the user's hosts list
 * (iotscope/hosts in the configuration folder, "address name" lines, as
 * Wireshark's personal hosts file) and, with -N d, the names the
 * capture's own DNS answers (A, AAAA) gave.  @len is 4 or 16.  NULL
 * when network resolution is off or no name is known. */
const char     *iot_resolve_host (const guint8 *addr, gsize len);
/* A DNS answer's name for @addr, kept when -N d is on (first name wins). */
void            iot_resolve_learn_host (const guint8 *addr, gsize len, const char *name);
/* An address as tshark's tree shows it: "name (192.0.2.1)" with network
 * resolution on (the address twice without a name), else the address. */
void            iot_resolve_host_label (const guint8 *addr, gsize len, char *out, gsize size);
/* The name, or the address as text. */
void            iot_resolve_host_text (const guint8 *addr, gsize len, char *out, gsize size);

/* Reads the lists from @dir instead of the installed ones (tests). */
void            iot_resolve_set_data_dir (const char *dir);

G_END_DECLS
