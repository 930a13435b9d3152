/* iot-file-info.c — the header blocks of a capture file.
 *
 * Only the start of the file is read: a pcap header (24 bytes), or a
 * pcapng Section Header Block and the Interface Description Blocks that
 * come before the first packet (a pcapng writer describes an interface
 * before any packet uses it, and the ones later in the file are found by
 * walking on, block by block, until the file's end).  Every length is
 * checked against what is left of the file before it is used. */
#include "iot-file-info.h"

#include <gio/gio.h>
#include <string.h>

#define PCAP_MAGIC          0xa1b2c3d4u
#define PCAP_MAGIC_NSEC     0xa1b23c4du
#define PCAP_MAGIC_MODIFIED 0xa1b2cd34u
#define PCAPNG_SHB          0x0a0d0d0au
#define PCAPNG_IDB          1u
#define PCAPNG_BYTE_ORDER   0x1a2b3c4du

typedef struct {
  const guint8 *data;
  gsize         size;
  gboolean      swapped;
} Reader;

static gboolean
read_u16 (const Reader *r, gsize offset, guint16 *out)
{
  guint16 v;

  if (offset > r->size || r->size - offset < 2)
    return FALSE;
  memcpy (&v, r->data + offset, 2);
  *out = r->swapped ? GUINT16_SWAP_LE_BE (v) : v;
  return TRUE;
}

static gboolean
read_u32 (const Reader *r, gsize offset, guint32 *out)
{
  guint32 v;

  if (offset > r->size || r->size - offset < 4)
    return FALSE;
  memcpy (&v, r->data + offset, 4);
  *out = r->swapped ? GUINT32_SWAP_LE_BE (v) : v;
  return TRUE;
}

/* An option's text, made valid UTF-8 (a damaged file may hold anything). */
static char *
option_text (const guint8 *value, guint16 len)
{
  return g_utf8_make_valid ((const char *) value, len);
}

/* if_tsresol: 10^-n (high bit clear) or 2^-n seconds. */
static guint
tsresol_decimals (guint8 value)
{
  if (value & 0x80)
    return (guint) ((value & 0x7f) * 30103 / 100000);   /* log10 (2) ≈ 0.30103 */
  return value;
}

/* The options of the block at @start whose body is @body_len bytes, its
 * options from @options_at (relative to the block). */
static void
read_options (const Reader *r, gsize start, gsize end, gpointer target, gboolean section)
{
  gsize at = start;

  while (at + 4 <= end)
    {
      guint16 code, len;
      const guint8 *value;

      if (!read_u16 (r, at, &code) || !read_u16 (r, at + 2, &len))
        return;
      if (code == 0)   /* opt_endofopt */
        return;
      if (at + 4 + len > end)
        return;
      value = r->data + at + 4;
      if (section)
        {
          IotFileInfo *info = target;

          switch (code)
            {
            case 1: g_ptr_array_add (info->comments, option_text (value, len)); break;
            case 2: g_free (info->hardware); info->hardware = option_text (value, len); break;
            case 3: g_free (info->os); info->os = option_text (value, len); break;
            case 4: g_free (info->application); info->application = option_text (value, len); break;
            default: break;
            }
        }
      else
        {
          IotFileInterface *iface = target;

          switch (code)
            {
            case 2: g_free (iface->name); iface->name = option_text (value, len); break;
            case 3: g_free (iface->description); iface->description = option_text (value, len); break;
            case 9:
              if (len >= 1)
                iface->decimals = tsresol_decimals (value[0]);
              break;
            default: break;
            }
        }
      at += 4 + ((len + 3u) & ~3u);
    }
}

static gboolean
read_pcapng (Reader *r, IotFileInfo *info, GError **error)
{
  guint32 magic, block_len;
  gsize at = 0;
  gboolean first = TRUE;

  if (!read_u32 (r, 8, &magic))
    goto damaged;
  if (magic != PCAPNG_BYTE_ORDER)
    {
      r->swapped = TRUE;
      if (!read_u32 (r, 8, &magic) || magic != PCAPNG_BYTE_ORDER)
        goto damaged;
    }
  while (at < r->size)
    {
      guint32 type;

      if (!read_u32 (r, at, &type) || !read_u32 (r, at + 4, &block_len) || block_len < 12
          || block_len > r->size - at)
        break;   /* a damaged tail: what came before stands */
      if (type == PCAPNG_SHB)
        {
          /* Only the first section: its interfaces are the ones numbered. */
          if (!first)
            break;
          first = FALSE;
          read_options (r, at + 24, at + block_len - 4, info, TRUE);
        }
      else if (type == PCAPNG_IDB && block_len >= 20)
        {
          IotFileInterface iface = { .decimals = 6 };

          read_u16 (r, at + 8, &iface.link_type);
          read_u32 (r, at + 12, &iface.snaplen);
          read_options (r, at + 16, at + block_len - 4, &iface, FALSE);
          g_array_append_val (info->interfaces, iface);
        }
      at += block_len;
    }
  return TRUE;
damaged:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "The section header is damaged");
  return FALSE;
}

static gboolean
read_pcap (Reader *r, guint32 magic, IotFileInfo *info, GError **error)
{
  IotFileInterface iface = { .decimals = magic == PCAP_MAGIC_NSEC ? 9 : 6 };
  guint32 link_type;

  if (!read_u32 (r, 16, &iface.snaplen) || !read_u32 (r, 20, &link_type))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "The file header is cut short");
      return FALSE;
    }
  iface.link_type = (guint16) (link_type & 0xffff);
  g_array_append_val (info->interfaces, iface);
  return TRUE;
}

static void
clear_interface (gpointer data)
{
  IotFileInterface *iface = data;

  g_free (iface->name);
  g_free (iface->description);
}

IotFileInfo *
iot_file_info_parse (const guint8 *data, gsize size, GError **error)
{
  g_autoptr (IotFileInfo) info = g_new0 (IotFileInfo, 1);
  Reader r = { data, size, FALSE };
  guint32 magic;

  info->comments = g_ptr_array_new_with_free_func (g_free);
  info->interfaces = g_array_new (FALSE, TRUE, sizeof (IotFileInterface));
  g_array_set_clear_func (info->interfaces, clear_interface);
  if (!read_u32 (&r, 0, &magic))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Not a capture file: too short");
      return NULL;
    }
  if (magic == PCAPNG_SHB)
    {
      if (!read_pcapng (&r, info, error))
        return NULL;
      return g_steal_pointer (&info);
    }
  if (GUINT32_SWAP_LE_BE (magic) == PCAP_MAGIC || GUINT32_SWAP_LE_BE (magic) == PCAP_MAGIC_NSEC
      || GUINT32_SWAP_LE_BE (magic) == PCAP_MAGIC_MODIFIED)
    {
      r.swapped = TRUE;
      magic = GUINT32_SWAP_LE_BE (magic);
    }
  if (magic != PCAP_MAGIC && magic != PCAP_MAGIC_NSEC && magic != PCAP_MAGIC_MODIFIED)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Not a pcap or pcapng file");
      return NULL;
    }
  if (!read_pcap (&r, magic, info, error))
    return NULL;
  return g_steal_pointer (&info);
}

IotFileInfo *
iot_file_info_read (const char *path, GError **error)
{
  g_autoptr (GMappedFile) mapped = g_mapped_file_new (path, FALSE, error);

  if (mapped == NULL)
    return NULL;
  return iot_file_info_parse ((const guint8 *) g_mapped_file_get_contents (mapped),
                              g_mapped_file_get_length (mapped), error);
}

void
iot_file_info_free (IotFileInfo *info)
{
  if (info == NULL)
    return;
  g_ptr_array_unref (info->comments);
  g_free (info->hardware);
  g_free (info->os);
  g_free (info->application);
  g_array_unref (info->interfaces);
  g_free (info);
}

const char *
iot_link_type_description (guint16 link_type)
{
  /* The encapsulation names of Wireshark's wiretap, by LINKTYPE_*. */
  switch (link_type)
    {
    case 0: return "NULL/Loopback";
    case 1: return "Ethernet";
    case 101: return "Raw IP";
    case 105: return "IEEE 802.11 Wireless LAN";
    case 113: return "Linux cooked-mode capture v1";
    case 127: return "IEEE 802.11 plus radiotap radio header";
    case 195: return "IEEE 802.15.4 Wireless PAN";
    case 215: return "IEEE 802.15.4 Wireless PAN non-ASK PHY";
    case 228: return "Raw IPv4";
    case 229: return "Raw IPv6";
    case 230: return "IEEE 802.15.4 Wireless PAN with FCS not present";
    case 251: return "Bluetooth Low Energy Link Layer";
    case 256: return "Bluetooth Low Energy Link Layer RF";
    case 272: return "nRF Sniffer for Bluetooth LE";
    case 276: return "Linux cooked-mode capture v2";
    case 283: return "IEEE 802.15.4 Wireless with TAP pseudo-header";
    default: return NULL;
    }
}
