/* x509.c — X.509 certificates as carried in TLS and DTLS handshakes.
 *
 * A small DER reader of our own: it walks the certificate's nested
 * tag-length-value structure and shows the parts a student usually wants
 * (version, serial number, issuer and subject names, validity, public key,
 * the common extensions).  Unlike the other dissectors it checks every
 * length itself and never throws: a broken certificate must not end the
 * TLS layer that carries it.
 *
 * The field names follow Wireshark's ASN.1 dissectors (x509af, x509if,
 * x509sat, x509ce), which split the certificate by the standard's modules.
 */
#include "iot-dissector.h"
#include "x509.h"

#include <string.h>

enum {
  F_PROTO,
  F_VERSION,
  F_SERIAL,
  F_ISSUER,
  F_SUBJECT,
  F_IF_RDN_SEQUENCE,
  F_AF_RDN_SEQUENCE,
  F_RDN_ITEM,
  F_COUNTRY,
  F_DIRECTORY_STRING,
  F_PRINTABLE,
  F_UTF8,
  F_NOT_BEFORE,
  F_NOT_AFTER,
  F_UTC_TIME,
  F_PUBLIC_KEY,
  F_EXTENSIONS,
  F_CRITICAL,
  F_SKI,
  F_KEY_ID,
  F_CA,
  F_PATH_LEN,
  F_GENERAL_NAMES,
  F_GENERAL_NAME,
  F_DNS_NAME,
  F_RFC822_NAME,
  F_URI,
  F_ENCRYPTED,
  N_FIELDS
};

static const IotValueName time_choice_names[] = {
  { 0, "utcTime" }, { 1, "generalizedTime" }, IOT_VALUE_NAMES_END
};
static const IotValueName name_choice_names[] = {
  { 0, "rdnSequence" }, IOT_VALUE_NAMES_END
};
static const IotValueName directory_string_names[] = {
  { 0, "teletexString" }, { 1, "printableString" }, { 2, "universalString" },
  { 3, "bmpString" }, { 4, "uTF8String" }, IOT_VALUE_NAMES_END
};
static const IotValueName general_name_names[] = {
  { 0, "otherName" }, { 1, "rfc822Name" }, { 2, "dNSName" }, { 3, "x400Address" },
  { 4, "directoryName" }, { 5, "ediPartyName" }, { 6, "uniformResourceIdentifier" },
  { 7, "iPAddress" }, { 8, "registeredID" }, IOT_VALUE_NAMES_END
};
static const IotValueName cert_version_names[] = {
  { 0, "v1" }, { 1, "v2" }, { 2, "v3" }, IOT_VALUE_NAMES_END
};

enum {
  E_INCOMPLETE,
  N_EXPERTS
};

static IotExpertInfo x509_experts[N_EXPERTS] = {
  [E_INCOMPLETE] = IOT_EXPERT_INFO ("x509af.certificate.incomplete", IOT_SEV_WARN, IOT_GROUP_MALFORMED, "Certificate is not complete or not valid DER",
                              "The certificate's bytes do not form a complete DER structure."),
};

static IotField x509_fields[N_FIELDS] = {
  [F_PROTO] = { "x509af", "X.509 Authentication Framework", IOT_FT_PROTOCOL, .blurb =
    "X.509 certificates: a public key bound to a name and signed by an issuer that vouches for it." },
  [F_VERSION] = { "x509af.version", "version", IOT_FT_INT32, IOT_BASE_DEC, cert_version_names, 0,
    "Certificate format version; 2 means v3, the version that allows extensions." },
  [F_SERIAL] = { "x509af.serialNumber", "serialNumber", IOT_FT_BYTES, .blurb =
    "Number the issuer gave this certificate; unique per issuer, used when revoking it." },
  [F_ISSUER] = { "x509af.issuer", "issuer", IOT_FT_UINT32, IOT_BASE_DEC, name_choice_names, 0,
    "The name of whoever signed the certificate; equal to the subject for a self-signed one." },
  [F_SUBJECT] = { "x509af.subject", "subject", IOT_FT_UINT32, IOT_BASE_DEC, name_choice_names, 0,
    "The name of whoever the certificate belongs to." },
  [F_IF_RDN_SEQUENCE] = { "x509if.rdnSequence", "rdnSequence", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Number of parts (country, organisation, common name …) in the issuer's name." },
  [F_AF_RDN_SEQUENCE] = { "x509af.rdnSequence", "rdnSequence", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Number of parts (country, organisation, common name …) in the subject's name." },
  [F_RDN_ITEM] = { "x509if.RDNSequence_item", "RDNSequence item", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Number of attributes in one part of a name (almost always 1)." },
  [F_COUNTRY] = { "x509sat.CountryName", "CountryName", IOT_FT_STRING, .blurb =
    "Two-letter country code in a name (C=)." },
  [F_DIRECTORY_STRING] = { "x509sat.DirectoryString", "DirectoryString", IOT_FT_UINT32, IOT_BASE_DEC,
    directory_string_names, 0,
    "Which text encoding a name attribute uses (1 printable, 4 UTF-8 …)." },
  [F_PRINTABLE] = { "x509sat.printableString", "printableString", IOT_FT_STRING, .blurb =
    "A name attribute written in the restricted PrintableString alphabet." },
  [F_UTF8] = { "x509sat.uTF8String", "uTF8String", IOT_FT_STRING, .blurb =
    "A name attribute written in UTF-8, e.g. the common name (CN) or the organisation (O)." },
  [F_NOT_BEFORE] = { "x509af.notBefore", "notBefore", IOT_FT_UINT32, IOT_BASE_DEC, time_choice_names, 0,
    "Start of the validity period, and which time encoding it uses." },
  [F_NOT_AFTER] = { "x509af.notAfter", "notAfter", IOT_FT_UINT32, IOT_BASE_DEC, time_choice_names, 0,
    "End of the validity period; after it clients must refuse the certificate." },
  [F_UTC_TIME] = { "x509af.utcTime", "utcTime", IOT_FT_STRING, .blurb =
    "A validity date (UTCTime, years 1950 to 2049)." },
  [F_PUBLIC_KEY] = { "x509af.subjectPublicKey", "subjectPublicKey", IOT_FT_BYTES, .blurb =
    "The public key the certificate vouches for." },
  [F_EXTENSIONS] = { "x509af.extensions", "extensions", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Number of extensions: extra facts such as the host names the certificate is valid for." },
  [F_CRITICAL] = { "x509af.critical", "critical", IOT_FT_BOOLEAN, .blurb =
    "A client that does not understand a critical extension must reject the certificate.",
    .true_word = "True", .false_word = "False" },
  [F_SKI] = { "x509ce.SubjectKeyIdentifier", "SubjectKeyIdentifier", IOT_FT_BYTES, .blurb =
    "Short identifier of this certificate's public key, used to build chains." },
  [F_KEY_ID] = { "x509ce.keyIdentifier", "keyIdentifier", IOT_FT_BYTES, .blurb =
    "Identifier of the issuer's key that signed this certificate." },
  [F_CA] = { "x509ce.cA", "cA", IOT_FT_BOOLEAN, .blurb =
    "Whether the certificate may sign other certificates (a certificate authority).",
    .true_word = "True", .false_word = "False" },
  [F_PATH_LEN] = { "x509ce.pathLenConstraint", "pathLenConstraint", IOT_FT_UINT64, IOT_BASE_DEC, NULL, 0,
    "How many more CA certificates may follow below this one in a chain." },
  [F_GENERAL_NAMES] = { "x509ce.GeneralNames", "GeneralNames", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Number of alternative names listed." },
  [F_GENERAL_NAME] = { "x509ce.GeneralName", "GeneralName", IOT_FT_UINT32, IOT_BASE_DEC, general_name_names, 0,
    "Kind of one alternative name (2 DNS name, 7 IP address …)." },
  [F_DNS_NAME] = { "x509ce.dNSName", "dNSName", IOT_FT_STRING, .blurb =
    "A host name the certificate is valid for; clients compare it with the name they connected to." },
  [F_RFC822_NAME] = { "x509ce.rfc822Name", "rfc822Name", IOT_FT_STRING, .blurb =
    "An e-mail address named in the certificate." },
  [F_URI] = { "x509ce.uniformResourceIdentifier", "uniformResourceIdentifier", IOT_FT_STRING, .blurb =
    "A URI named in the certificate." },
  [F_ENCRYPTED] = { "x509af.encrypted", "encrypted", IOT_FT_BYTES, .blurb =
    "The issuer's signature over the certificate contents." },
};

/* Label of a count row: "name: 3 items". */
static void
label_items (IotPacket *pkt, int node, int field, guint count)
{
  iot_tree_set_label (pkt, node, "%s: %u item%s", x509_fields[field].name, count, count == 1 ? "" : "s");
}

/* ---- DER ------------------------------------------------------------------ */

typedef struct {
  guint8 tag;
  guint  off;      /* start of the tag */
  guint  content;  /* start of the value */
  guint  len;      /* value length */
  guint  end;      /* first byte after the value */
} Tlv;

/* Reads the element at @off that must end by @end; FALSE if it is not
 * well-formed DER or not all captured. */
static gboolean
der_get (const IotBuf *buf, guint off, guint end, Tlv *t)
{
  guint8 first;
  guint n, len = 0;

  if (off + 2 > end || !iot_buf_has (buf, off, 2))
    return FALSE;
  t->tag = iot_buf_u8 (buf, off);
  if ((t->tag & 0x1f) == 0x1f)
    return FALSE;            /* multi-byte tags do not occur in certificates */
  first = iot_buf_u8 (buf, off + 1);
  if (first < 0x80)
    {
      len = first;
      n = 0;
    }
  else
    {
      n = first & 0x7f;
      if (n == 0 || n > 4 || off + 2 + n > end || !iot_buf_has (buf, off + 2, n))
        return FALSE;
      for (guint i = 0; i < n; i++)
        len = len << 8 | iot_buf_u8 (buf, off + 2 + i);
    }
  t->off = off;
  t->content = off + 2 + n;
  t->len = len;
  if (len > end - t->content || !iot_buf_has (buf, t->content, len))
    return FALSE;
  t->end = t->content + len;
  return TRUE;
}

/* The value as bytes, only valid after der_get() succeeded. */
static const guint8 *
der_bytes (const IotBuf *buf, const Tlv *t)
{
  return t->len ? iot_buf_ptr (buf, t->content, t->len) : (const guint8 *) "";
}

/* ---- the certificate record ------------------------------------------------ */

/* @text as a string field of the tree holds it: up to a NUL, what is not
 * UTF-8 as U+FFFD. */
static const char *
record_text (IotPacket *pkt, const char *text, gsize len)
{
  gsize n = strnlen (text, len);

  if (g_utf8_validate (text, (gssize) n, NULL))
    return iot_packet_strndup (pkt, text, n);
  return iot_packet_valid_utf8 (pkt, (const guint8 *) text, n);
}

static void
record_dns_name (IotPacket *pkt, IotTapCert *rec, const char *name, gsize len)
{
  const char **names;

  if (rec == NULL)
    return;
  /* A few names per certificate: the list is copied as it grows. */
  names = iot_packet_alloc (pkt, (rec->n_dns_names + 1) * sizeof *names);
  if (rec->n_dns_names > 0)
    memcpy (names, rec->dns_names, rec->n_dns_names * sizeof *names);
  names[rec->n_dns_names++] = record_text (pkt, name, len);
  rec->dns_names = names;
}

static gboolean
oid_is (const IotBuf *buf, const Tlv *t, const guint8 *oid, guint len)
{
  return t->tag == 0x06 && t->len == len && memcmp (der_bytes (buf, t), oid, len) == 0;
}

/* Dotted form of an OBJECT IDENTIFIER. */
static char *
oid_text (IotPacket *pkt, const IotBuf *buf, const Tlv *t)
{
  g_autoptr (GString) s = g_string_new (NULL);
  const guint8 *p = der_bytes (buf, t);
  guint64 v = 0;
  gboolean first = TRUE;

  for (guint i = 0; i < t->len; i++)
    {
      v = v << 7 | (p[i] & 0x7f);
      if (p[i] & 0x80)
        continue;
      if (first)
        {
          guint64 a = v < 80 ? v / 40 : 2;
          g_string_append_printf (s, "%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT, a, v - a * 40);
          first = FALSE;
        }
      else
        g_string_append_printf (s, ".%" G_GUINT64_FORMAT, v);
      v = 0;
    }
  return iot_packet_strndup (pkt, s->str, s->len);
}

static const struct {
  const char *oid;
  const char *name;
} oid_names[] = {
  { "1.2.840.113549.1.1.1", "rsaEncryption" },
  { "1.2.840.113549.1.1.5", "sha1WithRSAEncryption" },
  { "1.2.840.113549.1.1.11", "sha256WithRSAEncryption" },
  { "1.2.840.113549.1.1.12", "sha384WithRSAEncryption" },
  { "1.2.840.113549.1.1.13", "sha512WithRSAEncryption" },
  { "1.2.840.113549.1.1.10", "id-RSASSA-PSS" },
  { "1.2.840.10045.2.1", "id-ecPublicKey" },
  { "1.2.840.10045.4.3.2", "ecdsa-with-SHA256" },
  { "1.2.840.10045.4.3.3", "ecdsa-with-SHA384" },
  { "1.2.840.10045.4.3.4", "ecdsa-with-SHA512" },
  { "1.3.101.112", "id-Ed25519" },
  { "2.5.4.3", "id-at-commonName" },
  { "2.5.4.6", "id-at-countryName" },
  { "2.5.4.7", "id-at-localityName" },
  { "2.5.4.8", "id-at-stateOrProvinceName" },
  { "2.5.4.10", "id-at-organizationName" },
  { "2.5.4.11", "id-at-organizationalUnitName" },
  { "2.5.29.14", "id-ce-subjectKeyIdentifier" },
  { "2.5.29.15", "id-ce-keyUsage" },
  { "2.5.29.17", "id-ce-subjectAltName" },
  { "2.5.29.18", "id-ce-issuerAltName" },
  { "2.5.29.19", "id-ce-basicConstraints" },
  { "2.5.29.35", "id-ce-authorityKeyIdentifier" },
  { "2.5.29.37", "id-ce-extKeyUsage" },
};

static const char *
oid_name (const char *dotted)
{
  for (guint i = 0; i < G_N_ELEMENTS (oid_names); i++)
    if (strcmp (oid_names[i].oid, dotted) == 0)
      return oid_names[i].name;
  return NULL;
}

/* A text row "label: 1.2.3 (name)" for an OID we have no shared field for. */
static void
add_oid_row (IotPacket *pkt, int tree, const IotBuf *buf, const Tlv *t, const char *label)
{
  const char *dotted = oid_text (pkt, buf, t);
  const char *name = oid_name (dotted);

  iot_tree_add_text (pkt, tree, buf, t->off, t->end - t->off, "%s: %s%s%s%s", label, dotted,
                     name ? " (" : "", name ? name : "", name ? ")" : "");
}

/* ---- names ---------------------------------------------------------------- */

/* Attribute types (2.5.4.n) whose value is a DirectoryString. */
static gboolean
is_directory_string_attr (guint8 n)
{
  static const guint8 attrs[] = { 3, 4, 7, 8, 9, 10, 11, 12, 17, 42, 43, 44 };

  for (guint i = 0; i < sizeof attrs; i++)
    if (attrs[i] == n)
      return TRUE;
  return FALSE;
}

static const char *
attr_short_name (guint8 n)
{
  switch (n)
    {
    case 3: return "CN";
    case 6: return "C";
    case 7: return "L";
    case 8: return "ST";
    case 10: return "O";
    case 11: return "OU";
    default: return NULL;
    }
}

static void
dissect_attribute (IotPacket *pkt, int tree, const IotBuf *buf, const Tlv *attr, GString *summary)
{
  static const guint8 at_prefix[] = { 0x55, 0x04 };
  Tlv oid, val;
  guint8 n = 0;
  gboolean is_at;

  if (!der_get (buf, attr->content, attr->end, &oid) || oid.tag != 0x06
      || !der_get (buf, oid.end, attr->end, &val))
    return;
  add_oid_row (pkt, tree, buf, &oid, "Object Id");
  is_at = oid.len == 3 && memcmp (der_bytes (buf, &oid), at_prefix, 2) == 0;
  if (is_at)
    n = der_bytes (buf, &oid)[2];
  if (is_at && attr_short_name (n) && (val.tag == 0x13 || val.tag == 0x0c))
    g_string_append_printf (summary, "%s%s=%.*s", summary->len ? ", " : "", attr_short_name (n),
                            (int) val.len, (const char *) der_bytes (buf, &val));
  if (is_at && n == 6 && val.tag == 0x13)
    {
      iot_tree_add_string (pkt, tree, &x509_fields[F_COUNTRY], buf, val.content, val.len,
                           (const char *) der_bytes (buf, &val), val.len);
      return;
    }
  if (is_at && is_directory_string_attr (n))
    {
      int choice = -1, node;

      switch (val.tag)
        {
        case 0x14: choice = 0; break;
        case 0x13: choice = 1; break;
        case 0x1c: choice = 2; break;
        case 0x1e: choice = 3; break;
        case 0x0c: choice = 4; break;
        default: break;
        }
      if (choice < 0)
        return;
      node = iot_tree_add_uint (pkt, tree, &x509_fields[F_DIRECTORY_STRING], buf, val.off,
                                val.end - val.off, (guint) choice);
      if (choice == 1)
        iot_tree_add_string (pkt, node, &x509_fields[F_PRINTABLE], buf, val.content, val.len,
                             (const char *) der_bytes (buf, &val), val.len);
      else if (choice == 4)
        iot_tree_add_string (pkt, node, &x509_fields[F_UTF8], buf, val.content, val.len,
                             (const char *) der_bytes (buf, &val), val.len);
    }
}

/* Name ::= SEQUENCE OF SET OF AttributeTypeAndValue */
static const char *
dissect_name (IotPacket *pkt, int tree, const IotBuf *buf, const Tlv *name, int choice_field,
              int seq_field)
{
  g_autoptr (GString) summary = g_string_new (NULL);
  guint count = 0, p;
  Tlv rdn, attr;
  int node, seq;

  node = iot_tree_add_uint (pkt, tree, &x509_fields[choice_field], buf, name->off,
                            name->end - name->off, 0);
  for (p = name->content; p < name->end && der_get (buf, p, name->end, &rdn); p = rdn.end)
    count++;
  seq = iot_tree_add_uint (pkt, node, &x509_fields[seq_field], buf, name->off,
                           name->end - name->off, count);
  label_items (pkt, seq, seq_field, count);
  for (p = name->content; p < name->end && der_get (buf, p, name->end, &rdn); p = rdn.end)
    {
      guint items = 0, q;
      int item;

      if (rdn.tag != 0x31)
        break;
      for (q = rdn.content; q < rdn.end && der_get (buf, q, rdn.end, &attr); q = attr.end)
        items++;
      item = iot_tree_add_uint (pkt, seq, &x509_fields[F_RDN_ITEM], buf, rdn.off,
                                rdn.end - rdn.off, items);
      label_items (pkt, item, F_RDN_ITEM, items);
      for (q = rdn.content; q < rdn.end && der_get (buf, q, rdn.end, &attr); q = attr.end)
        if (attr.tag == 0x30)
          dissect_attribute (pkt, item, buf, &attr, summary);
    }
  return iot_packet_strndup (pkt, summary->str, summary->len);
}

/* ---- validity ------------------------------------------------------------ */

static void
dissect_time (IotPacket *pkt, int tree, const IotBuf *buf, const Tlv *t, int field, IotTapCert *rec)
{
  const char *s = (const char *) der_bytes (buf, t);
  gboolean before = field == F_NOT_BEFORE;
  int node;

  node = iot_tree_add_uint (pkt, tree, &x509_fields[field], buf, t->off, t->end - t->off,
                            t->tag == 0x18 ? 1 : 0);
  if (t->tag == 0x17 && t->len == 13 && s[12] == 'Z')
    {
      char text[32];
      int yy = (s[0] - '0') * 10 + (s[1] - '0');

      /* UTCTime has two-digit years: 50..99 are 1950..1999. */
      g_snprintf (text, sizeof text, "%s%.2s-%.2s-%.2s %.2s:%.2s:%.2s (UTC)",
                  yy >= 50 ? "19" : "20", s, s + 2, s + 4, s + 6, s + 8, s + 10);
      iot_tree_add_string (pkt, node, &x509_fields[F_UTC_TIME], buf, t->content, t->len, text, -1);
      if (rec != NULL)
        {
          *(before ? &rec->not_before : &rec->not_after) = record_text (pkt, text, strlen (text));
          *(before ? &rec->not_before_utc : &rec->not_after_utc) = TRUE;
        }
    }
  else
    {
      iot_tree_add_text (pkt, node, buf, t->content, t->len, "time: %.*s", (int) t->len, s);
      if (rec != NULL)
        *(before ? &rec->not_before : &rec->not_after) = record_text (pkt, s, t->len);
    }
}

/* ---- extensions ------------------------------------------------------------ */

static void
dissect_general_names (IotPacket *pkt, int tree, const IotBuf *buf, const Tlv *seq, IotTapCert *rec)
{
  guint count = 0, p;
  Tlv gn;
  int node;

  for (p = seq->content; p < seq->end && der_get (buf, p, seq->end, &gn); p = gn.end)
    count++;
  node = iot_tree_add_uint (pkt, tree, &x509_fields[F_GENERAL_NAMES], buf, seq->off,
                            seq->end - seq->off, count);
  label_items (pkt, node, F_GENERAL_NAMES, count);
  for (p = seq->content; p < seq->end && der_get (buf, p, seq->end, &gn); p = gn.end)
    {
      guint kind = gn.tag & 0x1f;
      int name = iot_tree_add_uint (pkt, node, &x509_fields[F_GENERAL_NAME], buf, gn.off,
                                    gn.end - gn.off, kind);
      int field = kind == 1 ? F_RFC822_NAME : kind == 2 ? F_DNS_NAME : kind == 6 ? F_URI : -1;

      if (field >= 0 && !(gn.tag & 0x20))
        iot_tree_add_string (pkt, name, &x509_fields[field], buf, gn.content, gn.len,
                             (const char *) der_bytes (buf, &gn), gn.len);
      if (field == F_DNS_NAME && !(gn.tag & 0x20))
        record_dns_name (pkt, rec, (const char *) der_bytes (buf, &gn), gn.len);
    }
}

static void
dissect_extension_value (IotPacket *pkt, int tree, const IotBuf *buf, const Tlv *oid, const Tlv *octets,
                         IotTapCert *rec)
{
  static const guint8 ski[] = { 0x55, 0x1d, 0x0e }, aki[] = { 0x55, 0x1d, 0x23 },
                      bc[] = { 0x55, 0x1d, 0x13 }, san[] = { 0x55, 0x1d, 0x11 },
                      ian[] = { 0x55, 0x1d, 0x12 };
  Tlv v, item;
  guint p;

  if (!der_get (buf, octets->content, octets->end, &v))
    return;
  if (oid_is (buf, oid, ski, 3) && v.tag == 0x04)
    iot_tree_add_bytes (pkt, tree, &x509_fields[F_SKI], buf, v.content, v.len, der_bytes (buf, &v), v.len);
  else if (oid_is (buf, oid, aki, 3) && v.tag == 0x30)
    {
      for (p = v.content; p < v.end && der_get (buf, p, v.end, &item); p = item.end)
        if (item.tag == 0x80)
          iot_tree_add_bytes (pkt, tree, &x509_fields[F_KEY_ID], buf, item.content, item.len,
                              der_bytes (buf, &item), item.len);
    }
  else if (oid_is (buf, oid, bc, 3) && v.tag == 0x30)
    {
      for (p = v.content; p < v.end && der_get (buf, p, v.end, &item); p = item.end)
        if (item.tag == 0x01 && item.len == 1)
          iot_tree_add_boolean (pkt, tree, &x509_fields[F_CA], buf, item.content, 1,
                                der_bytes (buf, &item)[0] != 0);
        else if (item.tag == 0x02 && item.len >= 1 && item.len <= 8)
          {
            guint64 n = 0;

            for (guint i = 0; i < item.len; i++)
              n = n << 8 | der_bytes (buf, &item)[i];
            iot_tree_add_uint (pkt, tree, &x509_fields[F_PATH_LEN], buf, item.content, item.len, n);
          }
    }
  else if ((oid_is (buf, oid, san, 3) || oid_is (buf, oid, ian, 3)) && v.tag == 0x30)
    dissect_general_names (pkt, tree, buf, &v, rec);
}

static void
dissect_extensions (IotPacket *pkt, int tree, const IotBuf *buf, const Tlv *outer, IotTapCert *rec)
{
  Tlv seq, ext, oid, t;
  guint count = 0, p;
  int node;

  if (!der_get (buf, outer->content, outer->end, &seq) || seq.tag != 0x30)
    return;
  for (p = seq.content; p < seq.end && der_get (buf, p, seq.end, &ext); p = ext.end)
    count++;
  node = iot_tree_add_uint (pkt, tree, &x509_fields[F_EXTENSIONS], buf, outer->off,
                            outer->end - outer->off, count);
  label_items (pkt, node, F_EXTENSIONS, count);
  for (p = seq.content; p < seq.end && der_get (buf, p, seq.end, &ext); p = ext.end)
    {
      int row;
      guint q;

      if (ext.tag != 0x30 || !der_get (buf, ext.content, ext.end, &oid) || oid.tag != 0x06)
        continue;
      row = iot_tree_add_text (pkt, node, buf, ext.off, ext.end - ext.off, "Extension");
      add_oid_row (pkt, row, buf, &oid, "Extension Id");
      for (q = oid.end; q < ext.end && der_get (buf, q, ext.end, &t); q = t.end)
        {
          if (t.tag == 0x01 && t.len == 1)
            iot_tree_add_boolean (pkt, row, &x509_fields[F_CRITICAL], buf, t.content, 1,
                                  der_bytes (buf, &t)[0] != 0);
          else if (t.tag == 0x04)
            dissect_extension_value (pkt, row, buf, &oid, &t, rec);
        }
    }
}

/* ---- certificate ------------------------------------------------------------ */

static void
add_bit_string (IotPacket *pkt, int tree, const IotBuf *buf, const Tlv *t, int field)
{
  /* The first value byte counts the unused bits at the end. */
  if (t->tag == 0x03 && t->len >= 1)
    iot_tree_add_bytes (pkt, tree, &x509_fields[field], buf, t->content + 1, t->len - 1,
                        der_bytes (buf, t) + 1, t->len - 1);
}

static const char *
dissect_tbs (IotPacket *pkt, int tree, const IotBuf *buf, const Tlv *tbs, IotTapCert *rec)
{
  const char *subject = NULL;
  guint p = tbs->content;
  Tlv t, inner;

  if (!der_get (buf, p, tbs->end, &t))
    return NULL;
  if (t.tag == 0xa0)
    {
      if (der_get (buf, t.content, t.end, &inner) && inner.tag == 0x02 && inner.len == 1)
        iot_tree_add_int (pkt, tree, &x509_fields[F_VERSION], buf, inner.content, 1,
                          (gint8) der_bytes (buf, &inner)[0]);
      p = t.end;
      if (!der_get (buf, p, tbs->end, &t))
        return NULL;
    }
  if (t.tag != 0x02)
    return NULL;
  iot_tree_add_bytes (pkt, tree, &x509_fields[F_SERIAL], buf, t.content, t.len, der_bytes (buf, &t), t.len);
  if (rec != NULL)
    {
      rec->serial = der_bytes (buf, &t);
      rec->serial_length = t.len;
    }
  /* signature algorithm */
  if (!der_get (buf, t.end, tbs->end, &t) || t.tag != 0x30)
    return NULL;
  if (der_get (buf, t.content, t.end, &inner) && inner.tag == 0x06)
    add_oid_row (pkt, tree, buf, &inner, "signature");
  /* issuer */
  if (!der_get (buf, t.end, tbs->end, &t) || t.tag != 0x30)
    return NULL;
  {
    const char *issuer = dissect_name (pkt, tree, buf, &t, F_ISSUER, F_IF_RDN_SEQUENCE);

    if (rec != NULL)
      rec->issuer = record_text (pkt, issuer, strlen (issuer));
  }
  /* validity */
  if (!der_get (buf, t.end, tbs->end, &t) || t.tag != 0x30)
    return NULL;
  {
    int validity = iot_tree_add_text (pkt, tree, buf, t.off, t.end - t.off, "validity");
    Tlv nb, na;

    if (der_get (buf, t.content, t.end, &nb))
      {
        dissect_time (pkt, validity, buf, &nb, F_NOT_BEFORE, rec);
        if (der_get (buf, nb.end, t.end, &na))
          dissect_time (pkt, validity, buf, &na, F_NOT_AFTER, rec);
      }
  }
  /* subject */
  if (!der_get (buf, t.end, tbs->end, &t) || t.tag != 0x30)
    return NULL;
  subject = dissect_name (pkt, tree, buf, &t, F_SUBJECT, F_AF_RDN_SEQUENCE);
  if (rec != NULL)
    rec->subject = record_text (pkt, subject, strlen (subject));
  /* subjectPublicKeyInfo */
  if (!der_get (buf, t.end, tbs->end, &t) || t.tag != 0x30)
    return subject;
  {
    int spki = iot_tree_add_text (pkt, tree, buf, t.off, t.end - t.off, "subjectPublicKeyInfo");
    Tlv alg, key;

    if (der_get (buf, t.content, t.end, &alg) && alg.tag == 0x30)
      {
        if (der_get (buf, alg.content, alg.end, &inner) && inner.tag == 0x06)
          add_oid_row (pkt, spki, buf, &inner, "algorithm");
        if (der_get (buf, alg.end, t.end, &key))
          add_bit_string (pkt, spki, buf, &key, F_PUBLIC_KEY);
      }
  }
  /* optional unique identifiers [1] [2], extensions [3] */
  for (p = t.end; p < tbs->end && der_get (buf, p, tbs->end, &t); p = t.end)
    if (t.tag == 0xa3)
      dissect_extensions (pkt, tree, buf, &t, rec);
  return subject;
}

/* The certificate's record, queued before it is read (NULL: nobody
 * asked for it); the facts are filled in as they are read. */
static IotTapCert *
open_record (IotPacket *pkt)
{
  IotTapCert fresh = { 0 };

  if (!iot_tap_wanted (pkt, IOT_TAP_CERT))
    return NULL;
  fresh.in_error = iot_packet_in_error (pkt);
  fresh.cut = TRUE;
  return iot_tap_queue_open (pkt, IOT_TAP_CERT, &fresh);
}

const char *
iot_x509_dissect_certificate (IotPacket *pkt, int tree, const IotBuf *buf, guint off, guint len)
{
  IotTapCert *rec = open_record (pkt);
  const char *subject = NULL;
  Tlv cert, tbs, alg, sig;
  int node;

  if (!der_get (buf, off, off + len, &cert) || cert.tag != 0x30)
    {
      iot_expert_add_info (pkt, tree, &x509_experts[E_INCOMPLETE], "Certificate is not complete or not valid DER");
      return NULL;
    }
  if (rec != NULL)
    {
      rec->data = iot_buf_ptr (buf, cert.off, cert.end - cert.off);
      rec->length = cert.end - cert.off;
    }
  if (!der_get (buf, cert.content, cert.end, &tbs) || tbs.tag != 0x30)
    return NULL;
  node = iot_tree_add_text (pkt, tree, buf, tbs.off, tbs.end - tbs.off, "signedCertificate");
  subject = dissect_tbs (pkt, node, buf, &tbs, rec);
  if (der_get (buf, tbs.end, cert.end, &alg) && alg.tag == 0x30)
    {
      Tlv oid;

      if (der_get (buf, alg.content, alg.end, &oid) && oid.tag == 0x06)
        add_oid_row (pkt, tree, buf, &oid, "algorithmIdentifier");
      if (der_get (buf, alg.end, cert.end, &sig))
        {
          add_bit_string (pkt, tree, buf, &sig, F_ENCRYPTED);
          /* Read to its signature: the certificate is whole. */
          if (rec != NULL)
            rec->cut = FALSE;
        }
    }
  return subject && *subject ? subject : NULL;
}

/* Certificates are read through iot_x509_dissect_certificate(); the
 * dissector entry exists so that the fields are registered. */
static int
dissect_x509 (IotPacket *pkt, IotBuf *buf, int parent)
{
  iot_x509_dissect_certificate (pkt, parent, buf, 0, buf->length);
  return buf->length;
}

IotDissector iot_dissector_x509 = {
  .name = "X509AF",
  .abbrev = "x509af",
  .long_name = "X.509 Authentication Framework",
  .fields = x509_fields,
  .n_fields = N_FIELDS,
  .experts = x509_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_x509,
};
