/* iot-export.c — writing frames to pcap (through libpcap) or pcapng
 * (blocks written here: one Section Header, one Interface Description per
 * link type, one Enhanced Packet per frame). */
#include "iot-export.h"
#include "iot-frame-notes.h"
#include "iot-secrets.h"

#include "iot-file-format.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

G_DEFINE_QUARK (iot-export-error-quark, iot_export_error)

#define SNAPLEN_DEFAULT 262144

IotExportFormat
iot_export_format_for_path (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  return g_str_has_suffix (lower, ".pcapng") || g_str_has_suffix (lower, ".ntar")
         ? IOT_EXPORT_PCAPNG : IOT_EXPORT_PCAP;
}

static guint32
frame_number (const guint32 *numbers, guint i)
{
  return numbers != NULL ? numbers[i] : i + 1;
}

/* Nanoseconds are kept when the source had them: a ns pcap, or a pcapng
 * whose timestamps are not whole microseconds. */
static gboolean
wants_nanoseconds (IotFile *file, const guint32 *numbers, guint n)
{
  if (iot_file_format (file) == IOT_FILE_FORMAT_PCAP_NSEC)
    return TRUE;
  if (iot_file_format (file) != IOT_FILE_FORMAT_PCAPNG)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (iot_file_frame (file, frame_number (numbers, i))->ts_ns % 1000 != 0)
      return TRUE;
  return FALSE;
}

static gboolean
check_numbers (IotFile *file, const guint32 *numbers, guint n, GError **error)
{
  guint32 total = iot_file_n_frames (file);

  for (guint i = 0; numbers != NULL && i < n; i++)
    if (numbers[i] == 0 || numbers[i] > total)
      {
        g_set_error (error, IOT_EXPORT_ERROR, IOT_EXPORT_ERROR_FRAME,
                     "Frame %u is not in the capture (it has %u frames)", numbers[i], total);
        return FALSE;
      }
  return TRUE;
}

static guint32
max_caplen (IotFile *file, const guint32 *numbers, guint n)
{
  guint32 snaplen = SNAPLEN_DEFAULT;

  for (guint i = 0; i < n; i++)
    snaplen = MAX (snaplen, iot_file_frame (file, frame_number (numbers, i))->caplen);
  return snaplen;
}

/* ---- pcap ------------------------------------------------------------------ */

/* Another program may have truncated the source while we save from it:
 * a copy with zeros for the lost bytes would be no copy, so saving fails. */
static gboolean
source_intact (IotFile *file, guint32 number, const char *display, GError **error)
{
  g_autofree char *why = NULL;

  if (iot_file_frame_intact (file, number))
    return TRUE;
  why = iot_file_lost_message (file, number);
  g_set_error (error, IOT_EXPORT_ERROR, IOT_EXPORT_ERROR_FRAME, "Cannot save “%s”: %s: %s",
               display, iot_file_path (file), why);
  return FALSE;
}

static gboolean
write_pcap (IotFile *file, const guint32 *numbers, guint n, FILE *out,
            const char *display, GError **error)
{
  gboolean nsec = wants_nanoseconds (file, numbers, n);
  guint link_type = n > 0 ? iot_file_frame (file, frame_number (numbers, 0))->link_type : 1;
  pcap_t *dead;
  pcap_dumper_t *dumper;
  gboolean ok = TRUE;

  for (guint i = 1; i < n; i++)
    if (iot_file_frame (file, frame_number (numbers, i))->link_type != link_type)
      {
        g_set_error (error, IOT_EXPORT_ERROR, IOT_EXPORT_ERROR_LINK_TYPE,
                     "Cannot save “%s” as pcap: the frames have more than one link type "
                     "(frame %u has %u, frame %u has %u); save as pcapng instead",
                     display, frame_number (numbers, 0), link_type, frame_number (numbers, i),
                     iot_file_frame (file, frame_number (numbers, i))->link_type);
        fclose (out);
        return FALSE;
      }
  dead = pcap_open_dead_with_tstamp_precision ((int) link_type, (int) max_caplen (file, numbers, n),
                                               nsec ? PCAP_TSTAMP_PRECISION_NANO
                                                    : PCAP_TSTAMP_PRECISION_MICRO);
  if (dead == NULL)
    {
      g_set_error (error, IOT_EXPORT_ERROR, IOT_EXPORT_ERROR_WRITE,
                   "Cannot save “%s”: libpcap refused link type %u", display, link_type);
      fclose (out);
      return FALSE;
    }
  dumper = pcap_dump_fopen (dead, out);
  if (dumper == NULL)
    {
      g_set_error (error, IOT_EXPORT_ERROR, IOT_EXPORT_ERROR_WRITE,
                   "Cannot save “%s”: %s", display, pcap_geterr (dead));
      fclose (out);
      pcap_close (dead);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      guint32 number = frame_number (numbers, i);
      const IotFrame *frame = iot_file_frame (file, number);
      struct pcap_pkthdr header = { 0 };
      gint64 sec = frame->ts_ns >= 0 ? frame->ts_ns / 1000000000 : (frame->ts_ns - 999999999) / 1000000000;
      gint64 frac = frame->ts_ns - sec * 1000000000;

      /* With nanosecond precision libpcap takes tv_usec as nanoseconds. */
      header.ts.tv_sec = (time_t) sec;
      header.ts.tv_usec = (suseconds_t) (nsec ? frac : frac / 1000);
      header.caplen = frame->caplen;
      header.len = frame->len;
      if (!source_intact (file, number, display, error))
        {
          ok = FALSE;
          break;
        }
      pcap_dump ((u_char *) dumper, &header, iot_file_frame_data (file, number));
    }
  if (ok && (pcap_dump_flush (dumper) != 0 || ferror (out)))
    {
      g_set_error (error, IOT_EXPORT_ERROR, IOT_EXPORT_ERROR_WRITE,
                   "Cannot write “%s”: %s", display, g_strerror (errno));
      ok = FALSE;
    }
  /* pcap_dump_close() closes @out too. */
  pcap_dump_close (dumper);
  pcap_close (dead);
  return ok;
}

/* ---- pcapng ---------------------------------------------------------------- */

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_DSB 0x0000000Au      /* Decryption Secrets Block */
#define SECRETS_TLS 0x544c534bu /* TLS key log */
#define BT_EPB 0x00000006u
#define OPT_ENDOFOPT 0
#define OPT_COMMENT 1
#define OPT_IF_TSRESOL 9

static void
put32 (GByteArray *out, guint32 value)
{
  g_byte_array_append (out, (const guint8 *) &value, 4);
}

static void
put16 (GByteArray *out, guint16 value)
{
  g_byte_array_append (out, (const guint8 *) &value, 2);
}

static void
pad4 (GByteArray *out)
{
  static const guint8 zeros[3] = { 0 };

  if (out->len % 4 != 0)
    g_byte_array_append (out, zeros, 4 - out->len % 4);
}

/* Starts a block at the end of @out; returns where it starts. */
static guint
begin_block (GByteArray *out, guint32 type)
{
  guint start = out->len;

  put32 (out, type);
  put32 (out, 0);  /* total length, filled in by end_block() */
  return start;
}

/* Fills in the block's total length, at its start and at its end. */
static void
end_block (GByteArray *out, guint start)
{
  guint32 total = out->len + 4 - start;

  memcpy (out->data + start + 4, &total, 4);
  put32 (out, total);
}

static void
write_shb (GByteArray *out)
{
  guint start = begin_block (out, BT_SHB);

  put32 (out, 0x1A2B3C4D);  /* byte-order magic: we write host order */
  put16 (out, 1);
  put16 (out, 0);
  put32 (out, 0xFFFFFFFF);  /* section length unknown: -1 as 64 bits */
  put32 (out, 0xFFFFFFFF);
  end_block (out, start);
}

/* The key log entries known to the secrets store (those of the capture's
 * own secrets blocks and those given with -o), so the saved file decrypts
 * by itself, as editcap --inject-secrets makes it. */
static void
write_secrets (GByteArray *out)
{
  g_autofree char *keylog = iot_secrets_to_keylog (iot_secrets_default ());
  guint start, len = strlen (keylog);

  if (len == 0)
    return;
  start = begin_block (out, BT_DSB);
  put32 (out, SECRETS_TLS);
  put32 (out, len);
  g_byte_array_append (out, (const guint8 *) keylog, len);
  pad4 (out);
  end_block (out, start);
}

static void
write_idb (GByteArray *out, guint16 link_type, guint32 snaplen, gboolean nsec)
{
  guint start = begin_block (out, BT_IDB);

  /* Frames carry libpcap's DLT_* numbers; files want LINKTYPE_* ones
   * (raw IP is DLT 12 but LINKTYPE 101). */
  put16 (out, (guint16) iot_link_type_to_file (link_type));
  put16 (out, 0);
  put32 (out, snaplen);
  if (nsec)
    {
      /* if_tsresol: 10^-9 s units (the default is 10^-6). */
      put16 (out, OPT_IF_TSRESOL);
      put16 (out, 1);
      g_byte_array_append (out, (const guint8 *) "\x09", 1);
      pad4 (out);
      put16 (out, OPT_ENDOFOPT);
      put16 (out, 0);
    }
  end_block (out, start);
}

/* The frame's comments (the file's own or edited) as opt_comment options;
 * an option holds at most 65535 bytes, so a longer comment is cut at a
 * character boundary. */
static void
write_comments (GByteArray *out, char **comments)
{
  if (comments == NULL)
    return;
  for (guint i = 0; comments[i] != NULL; i++)
    {
      gsize len = strlen (comments[i]);

      if (len > G_MAXUINT16)
        len = g_utf8_find_prev_char (comments[i], comments[i] + G_MAXUINT16 + 1) - comments[i];
      put16 (out, OPT_COMMENT);
      put16 (out, (guint16) len);
      g_byte_array_append (out, (const guint8 *) comments[i], len);
      pad4 (out);
    }
  put16 (out, OPT_ENDOFOPT);
  put16 (out, 0);
}

static void
write_epb (GByteArray *out, guint32 interface, gboolean nsec, const IotFrame *frame,
           const guint8 *data, char **comments)
{
  guint64 ts = nsec ? (guint64) frame->ts_ns : (guint64) (frame->ts_ns / 1000);

  guint start = begin_block (out, BT_EPB);

  put32 (out, interface);
  put32 (out, (guint32) (ts >> 32));
  put32 (out, (guint32) ts);
  put32 (out, frame->caplen);
  put32 (out, frame->len);
  g_byte_array_append (out, data, frame->caplen);
  pad4 (out);
  write_comments (out, comments);
  end_block (out, start);
}

static gboolean
flush_blocks (GByteArray *blocks, FILE *out, const char *display, GError **error)
{
  if (blocks->len > 0 && fwrite (blocks->data, 1, blocks->len, out) != blocks->len)
    {
      g_set_error (error, IOT_EXPORT_ERROR, IOT_EXPORT_ERROR_WRITE,
                   "Cannot write “%s”: %s", display, g_strerror (errno));
      return FALSE;
    }
  g_byte_array_set_size (blocks, 0);
  return TRUE;
}

static gboolean
write_pcapng (IotFile *file, const guint32 *numbers, guint n, FILE *out,
              const char *display, IotExportSecrets secrets, GError **error)
{
  gboolean nsec = wants_nanoseconds (file, numbers, n);
  guint32 snaplen = max_caplen (file, numbers, n);
  g_autoptr (GByteArray) blocks = g_byte_array_sized_new (1 << 16);
  /* link type → interface id + 1 */
  g_autoptr (GHashTable) interfaces = g_hash_table_new (NULL, NULL);
  guint32 n_interfaces = 0;
  gboolean ok = TRUE;

  write_shb (blocks);
  if (secrets == IOT_EXPORT_SECRETS_EMBED)
    write_secrets (blocks);
  for (guint i = 0; i < n && ok; i++)
    {
      guint32 number = frame_number (numbers, i);
      const IotFrame *frame = iot_file_frame (file, number);
      guint32 id = GPOINTER_TO_UINT (g_hash_table_lookup (interfaces, GUINT_TO_POINTER (frame->link_type)));
      g_auto (GStrv) comments = NULL;

      /* An IDB may come anywhere before the first packet using it. */
      if (id == 0)
        {
          write_idb (blocks, frame->link_type, snaplen, nsec);
          id = ++n_interfaces;
          g_hash_table_insert (interfaces, GUINT_TO_POINTER (frame->link_type), GUINT_TO_POINTER (id));
        }
      if (!(ok = source_intact (file, number, display, error)))
        break;
      comments = iot_file_dup_frame_comments (file, number);
      write_epb (blocks, id - 1, nsec, frame, iot_file_frame_data (file, number), comments);
      if (blocks->len >= (1 << 16))
        ok = flush_blocks (blocks, out, display, error);
    }
  if (ok)
    ok = flush_blocks (blocks, out, display, error);
  if (fclose (out) != 0 && ok)
    {
      g_set_error (error, IOT_EXPORT_ERROR, IOT_EXPORT_ERROR_WRITE,
                   "Cannot write “%s”: %s", display, g_strerror (errno));
      ok = FALSE;
    }
  return ok;
}

/* ---- entry point ------------------------------------------------------------ */

gboolean
iot_export_frames (IotFile *file, const guint32 *numbers, guint n,
                   const char *path, IotExportFormat format, GError **error)
{
  return iot_export_frames_full (file, numbers, n, path, format, IOT_EXPORT_SECRETS_EMBED, error);
}

gboolean
iot_export_frames_full (IotFile *file, const guint32 *numbers, guint n, const char *path,
                        IotExportFormat format, IotExportSecrets secrets, GError **error)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *tmpl = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  FILE *out;
  gboolean ok;
  int fd;

  g_return_val_if_fail (file != NULL && path != NULL, FALSE);
  if (numbers == NULL)
    n = iot_file_n_frames (file);
  if (!check_numbers (file, numbers, n, error))
    return FALSE;

  /* "-": standard output, as tshark's -w -.  The writers close their
   * stream, so they get a copy of the descriptor. */
  if (strcmp (path, "-") == 0)
    {
      fflush (stdout);
      fd = dup (STDOUT_FILENO);
      if (fd < 0 || (out = fdopen (fd, "wb")) == NULL)
        {
          int saved = errno;

          if (fd >= 0)
            close (fd);
          g_set_error (error, IOT_EXPORT_ERROR, IOT_EXPORT_ERROR_WRITE,
                       "Cannot write to standard output: %s", g_strerror (saved));
          return FALSE;
        }
      if (format == IOT_EXPORT_PCAPNG)
        return write_pcapng (file, numbers, n, out, "standard output", secrets, error);
      return write_pcap (file, numbers, n, out, "standard output", error);
    }
  fd = g_mkstemp_full (tmpl, O_WRONLY, 0644);
  if (fd < 0 || (out = fdopen (fd, "wb")) == NULL)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, IOT_EXPORT_ERROR, IOT_EXPORT_ERROR_WRITE,
                   "Cannot create a file in “%s”: %s", dir, g_strerror (saved));
      return FALSE;
    }
  /* Both writers close @out. */
  if (format == IOT_EXPORT_PCAPNG)
    ok = write_pcapng (file, numbers, n, out, display, secrets, error);
  else
    ok = write_pcap (file, numbers, n, out, display, error);
  if (ok && g_rename (tmpl, path) != 0)
    {
      g_set_error (error, IOT_EXPORT_ERROR, IOT_EXPORT_ERROR_WRITE,
                   "Cannot save “%s”: %s", display, g_strerror (errno));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (tmpl);
  return ok;
}
