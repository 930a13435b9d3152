/* xml.c — XML documents (eXtensible Markup Language) carried in HTTP bodies
 * (text/xml, application/xml, application/soap+xml …), CoAP payloads
 * (Content-Format 41) and MQTT 5 messages whose content type says XML.
 *
 * Shown the way tshark 4.0 shows them, so fields and filters compare equal:
 * a row per element (xml.tag, whose value is the start tag as written), its
 * attributes as written (xml.attribute: name="value"), the text between
 * tags (xml.cdata; xml.unknown outside any element), comments, CDATA
 * sections, processing instructions (<?xml …?> gets its version, encoding
 * and standalone as fields of their own), DOCTYPE declarations and the
 * declarations of an internal DTD subset.  Entities are not expanded and
 * namespaces are not resolved: a prefixed name is shown as written.
 *
 * tshark reads XML with a small token grammar rather than a validating
 * parser, and so does this file, token for token: between the pieces of a
 * token blanks (space, tab, CR, LF) may appear; a closing tag closes the
 * innermost open element whatever its name; text that fits no token is
 * "unrecognized" up to the next blank; an element never closed keeps the
 * length of its start tag.  One quirk is kept on purpose because it decides
 * what tshark shows: a declaration that ends with '>' (<!…>) is only found
 * when that '>' is not the last byte of the body, unless it starts there.
 *
 * Nothing here recurses: open elements live on an explicit stack.  Rows
 * nest at most MAX_ROW_LEVEL levels below the protocol row; the first row
 * that would go deeper ends the layer with an error, where tshark's tree
 * depth limit (500 levels counting the protocol rows) ends it too, so the
 * same rows are shown and hostile nesting cannot exhaust whatever prints
 * the tree.  Searches for a token's end remember where they found nothing,
 * so a body full of unterminated comments or quotes costs linear time.
 */
#include <string.h>

#include "iot-dissector.h"

#define MAX_ROW_LEVEL 498

enum {
  F_PROTO,
  F_TAG,
  F_ATTRIBUTE,
  F_CDATA,
  F_UNKNOWN,
  F_COMMENT,
  F_CDATASECTION,
  F_XMLPI,
  F_XMLPI_XML,
  F_XMLPI_XML_VERSION,
  F_XMLPI_XML_ENCODING,
  F_XMLPI_XML_STANDALONE,
  F_DOCTYPE,
  F_DTDTAG,
  N_FIELDS
};

enum {
  E_CLOSING_UNOPENED,
  E_UNRECOGNIZED,
  E_TOO_DEEP,
  N_EXPERTS
};

static IotExpertInfo xml_experts[N_EXPERTS] = {
  [E_CLOSING_UNOPENED] = IOT_EXPERT_INFO ("xml.closing_unopened_tag", IOT_SEV_ERROR, IOT_GROUP_MALFORMED,
                                          "Closing an unopened tag",
                                          "A closing tag </name> with no open element to close: the document is not well formed."),
  [E_UNRECOGNIZED] = IOT_EXPERT_INFO ("xml.unrecognized_text", IOT_SEV_WARN, IOT_GROUP_PROTOCOL, "Unrecognized text",
                                      "Text that is neither markup nor character data where it stands."),
  [E_TOO_DEEP] = IOT_EXPERT_INFO ("xml.nested_too_deep", IOT_SEV_ERROR, IOT_GROUP_MALFORMED,
                                  "XML nested too deep",
                                  "Elements nested deeper than tshark's tree shows; the rest is not decoded."),
};

static IotField xml_fields[N_FIELDS] = {
  [F_PROTO] = { "xml", "eXtensible Markup Language", IOT_FT_PROTOCOL, .blurb =
    "XML: text marked up with nested <tags>, used by SOAP web services, device descriptions and many IoT APIs." },
  [F_TAG] = { "xml.tag", "Tag", IOT_FT_STRING, .blurb =
    "One element: its value is the start tag as written (<name attr=\"…\">); the row spans the element up to its end tag." },
  [F_ATTRIBUTE] = { "xml.attribute", "Attribute", IOT_FT_STRING, .blurb =
    "A name=\"value\" pair inside a start tag, exactly as written (quotes included)." },
  [F_CDATA] = { "xml.cdata", "CDATA", IOT_FT_STRING, .blurb =
    "Text inside an element, as written: entities such as &amp; are not expanded." },
  [F_UNKNOWN] = { "xml.unknown", "Unknown", IOT_FT_STRING, .blurb =
    "Text outside any element, where a well-formed document has only markup." },
  [F_COMMENT] = { "xml.comment", "Comment", IOT_FT_STRING, .blurb =
    "A comment (<!-- … -->): a note for people, ignored by programs reading the document." },
  [F_CDATASECTION] = { "xml.cdatasection", "CDATASection", IOT_FT_STRING, .blurb =
    "A <![CDATA[ … ]]> section: text taken literally, so < and & in it are not markup." },
  [F_XMLPI] = { "xml.xmlpi", "XMLPI", IOT_FT_STRING, .blurb =
    "A processing instruction (<?target …?>): a note addressed to the program reading the document." },
  [F_XMLPI_XML] = { "xml.xmlpi.xml", "xml.xmlpi.xml", IOT_FT_STRING, .blurb =
    "The XML declaration (<?xml version=… ?>) that may open a document." },
  [F_XMLPI_XML_VERSION] = { "xml.xmlpi.xml.version", "version", IOT_FT_STRING, .blurb =
    "The XML version the document follows, almost always 1.0." },
  [F_XMLPI_XML_ENCODING] = { "xml.xmlpi.xml.encoding", "encoding", IOT_FT_STRING, .blurb =
    "The character encoding of the document's bytes, e.g. UTF-8." },
  [F_XMLPI_XML_STANDALONE] = { "xml.xmlpi.xml.standalone", "standalone", IOT_FT_STRING, .blurb =
    "\"yes\" when the document needs no external declarations to be read correctly." },
  [F_DOCTYPE] = { "xml.doctype", "Doctype", IOT_FT_STRING, .blurb =
    "The name of the document type declared by <!DOCTYPE name …>, the kind of root element it expects." },
  [F_DTDTAG] = { "xml.dtdtag", "DTD Tag", IOT_FT_STRING, .blurb =
    "A declaration (<!ELEMENT …>, <!ENTITY …> …) of a document type definition, as written." },
};

/* What text between tags is shown as, by where it sits. */
typedef enum {
  KIND_ROOT,      /* outside any element: xml.unknown */
  KIND_ELEMENT,   /* inside an element: xml.cdata */
  KIND_DOCTYPE,   /* inside a DOCTYPE's internal subset: xml.unknown */
} FrameKind;

typedef struct {
  FrameKind kind;
  int       item;        /* the element's row (the protocol row for the root) */
  int       last_item;   /* the row ">" or "/>" is appended to */
  guint     start;
  guint     level;       /* of its row: 0 for the protocol row */
} Frame;

/* The remembered outcome of the last search for a token's end. */
typedef struct {
  gint64 from;    /* -1: nothing remembered */
  gint64 found;   /* -1: not found from @from on */
} Search;

typedef struct {
  guint name_start, name_end;     /* attribute name */
  guint value_start, value_end;   /* its value, quotes included */
  gboolean quoted;
} Attr;

typedef struct {
  IotPacket    *pkt;
  const IotBuf *buf;
  const guint8 *p;
  guint         len;
  gboolean      tree;       /* labels are wanted */
  GArray       *stack;      /* Frame */
  GArray       *attrs;      /* Attr: those of the token being read */
  Search        gt, comment_end, cdata_end;
  gint64        no_quote[2];  /* from here on no closing " (0) or ' (1); -1 unknown */
  gboolean      too_deep;   /* a row went past MAX_ROW_LEVEL: stop */
} Parser;

/* ---- reading tokens ------------------------------------------------------------- */

static gboolean
is_blank (guint8 c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static guint
skip_blanks (const Parser *x, guint off)
{
  while (off < x->len && is_blank (x->p[off]))
    off++;
  return off;
}

/* Names are ASCII letters, digits, '.', '-' and '_' (attribute names may
 * also hold ':'), as tshark reads them.  Returns the end, or -1 if empty. */
static gint
match_name (const Parser *x, guint off, gboolean colon)
{
  guint end = off;

  while (end < x->len && (g_ascii_isalnum (x->p[end]) || x->p[end] == '.' || x->p[end] == '-'
                          || x->p[end] == '_' || (colon && x->p[end] == ':')))
    end++;
  return end > off ? (gint) end : -1;
}

static gboolean
has_text (const Parser *x, guint off, const char *text, gboolean any_case)
{
  gsize n = strlen (text);

  if ((guint64) off + n > x->len)
    return FALSE;
  return any_case ? g_ascii_strncasecmp ((const char *) x->p + off, text, n) == 0
                  : memcmp (x->p + off, text, n) == 0;
}

/* The first @needle at or after @from, or -1; remembers its answer, since
 * tokens are tried from offsets that only grow. */
static gint64
search (const Parser *x, Search *memo, guint from, const char *needle)
{
  gsize n = strlen (needle);
  gint64 found = -1;

  if (memo->from >= 0 && from >= memo->from && (memo->found < 0 || memo->found >= from))
    return memo->found;
  for (guint i = from; (guint64) i + n <= x->len; i++)
    {
      const guint8 *hit = memchr (x->p + i, needle[0], x->len - i);

      if (hit == NULL)
        break;
      i = (guint) (hit - x->p);
      if ((guint64) i + n <= x->len && memcmp (hit, needle, n) == 0)
        {
          found = i;
          break;
        }
    }
  memo->from = from;
  memo->found = found;
  return found;
}

/* The end of a "…>" declaration whose body starts at @from, or -1.  tshark
 * looks for its '>' at @from itself and then only up to the last byte but
 * one of the body; the same here, so the same declarations are found. */
static gint
until_gt (Parser *x, guint from)
{
  gint64 at;

  if (from >= x->len)
    return -1;
  at = search (x, &x->gt, from, ">");
  if (at < 0 || (at != from && at + 1 >= x->len))
    return -1;
  return (gint) at + 1;
}

/* A quoted attribute value: a backslash escapes the byte after it. */
static gint
match_quoted (Parser *x, guint off)
{
  guint8 quote = x->p[off];
  gint64 *none = &x->no_quote[quote == '"' ? 0 : 1];

  if (*none >= 0 && off + 1 >= *none)
    return -1;
  for (guint i = off + 1; i < x->len; i++)
    {
      if (x->p[i] == '\\')
        i++;
      else if (x->p[i] == quote)
        return (gint) i + 1;
    }
  /* No closing quote from here on, nor from any later opening quote. */
  if (*none < 0 || off + 1 < *none)
    *none = off + 1;
  return -1;
}

static gint
match_value (Parser *x, guint off, Attr *attr)
{
  gint end;
  guint digits = off;

  if (off >= x->len)
    return -1;
  attr->value_start = off;
  attr->quoted = FALSE;
  if (x->p[off] == '"' || x->p[off] == '\'')
    {
      end = match_quoted (x, off);
      attr->quoted = TRUE;
    }
  else
    {
      while (digits < x->len && g_ascii_isdigit (x->p[digits]))
        digits++;
      end = digits > off ? (gint) digits : match_name (x, off, FALSE);
    }
  attr->value_end = end;
  return end;
}

/* name = value, blanks allowed around '='. */
static gint
match_attribute (Parser *x, guint off, Attr *attr)
{
  gint end = match_name (x, off, TRUE);
  guint at;

  if (end < 0)
    return -1;
  attr->name_start = off;
  attr->name_end = end;
  at = skip_blanks (x, end);
  if (at >= x->len || x->p[at] != '=')
    return -1;
  return match_value (x, skip_blanks (x, at + 1), attr);
}

/* One or more attributes; they are kept in x->attrs.  Returns the end of
 * the last one, or -1 when there is none. */
static gint
match_attributes (Parser *x, guint off)
{
  gint end = -1;
  guint at = off;

  g_array_set_size (x->attrs, 0);
  for (;;)
    {
      Attr attr;
      gint next = match_attribute (x, at, &attr);

      if (next < 0)
        break;
      g_array_append_val (x->attrs, attr);
      end = next;
      at = skip_blanks (x, (guint) next);
    }
  return end;
}

/* prefix:name or name: the end of the name, where the label of a tag stops. */
static gint
match_tag_name (const Parser *x, guint off)
{
  gint end = match_name (x, off, FALSE);

  if (end >= 0)
    {
      guint colon = skip_blanks (x, (guint) end);

      if (colon < x->len && x->p[colon] == ':')
        {
          gint leaf = match_name (x, skip_blanks (x, colon + 1), FALSE);

          if (leaf >= 0)
            return leaf;
        }
    }
  return end;
}

/* '<' then, after blanks, @c: the offset after @c, or -1. */
static gint
match_open (const Parser *x, guint off, guint8 c)
{
  guint at;

  if (off >= x->len || x->p[off] != '<')
    return -1;
  at = skip_blanks (x, off + 1);
  return at < x->len && x->p[at] == c ? (gint) at + 1 : -1;
}

/* ---- building rows -------------------------------------------------------------- */

static Frame *
top (Parser *x)
{
  return &g_array_index (x->stack, Frame, x->stack->len - 1);
}

/* The bytes as a field value: up to a NUL byte, bytes that are not UTF-8 as U+FFFD. */
static char *
value_text (Parser *x, guint start, guint end)
{
  const char *s = (const char *) x->p + start;
  gsize n = strnlen (s, end - start);
  g_autofree char *valid = NULL;

  if (g_utf8_validate (s, (gssize) n, NULL))
    return iot_packet_strndup (x->pkt, s, n);
  valid = g_utf8_make_valid (s, (gssize) n);
  return iot_packet_strndup (x->pkt, valid, strlen (valid));
}

/* The bytes as a row label: control characters escaped, long text cut, as
 * tshark labels rows. */
#define LABEL_MAX 240

static char *
label_text (Parser *x, guint start, guint end)
{
  GString *s = g_string_sized_new (MIN (end - start, LABEL_MAX) + 8);
  g_autofree char *valid = NULL;

  for (guint i = start; i < end && s->len < LABEL_MAX; i++)
    {
      guint8 c = x->p[i];

      if (c == '\n')
        g_string_append (s, "\\n");
      else if (c == '\r')
        g_string_append (s, "\\r");
      else if (c == '\t')
        g_string_append (s, "\\t");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (s, "\\%03o", c);
      else
        g_string_append_c (s, (char) c);
    }
  valid = g_utf8_make_valid (s->str, (gssize) s->len);
  g_string_free (s, TRUE);
  return iot_packet_strndup (x->pkt, valid, strlen (valid));
}

/* Whether a row may go at @level below the protocol row; the first that
 * may not ends the layer. */
static gboolean
room_at (Parser *x, guint level)
{
  if (level > MAX_ROW_LEVEL)
    x->too_deep = TRUE;
  return !x->too_deep;
}

/* A string row at @level for bytes [start, end), labelled with bytes [lstart, lend). */
static int
add_row (Parser *x, int parent, guint level, int field, guint start, guint end, guint lstart, guint lend)
{
  int row;

  if (!room_at (x, level) || !iot_packet_wants_field (x->pkt, &xml_fields[field]))
    return -1;
  row = iot_tree_add_string (x->pkt, parent, &xml_fields[field], x->buf, start, end - start,
                             value_text (x, start, end), -1);
  if (x->tree)
    iot_tree_set_label (x->pkt, row, "%s", label_text (x, lstart, lend));
  return row;
}

static int
add_text_row (Parser *x, int parent, guint level, guint start, guint end)
{
  if (!room_at (x, level) || !x->tree)
    return -1;
  return iot_tree_add_text (x->pkt, parent, x->buf, start, end - start, "%s", label_text (x, start, end));
}

static void
add_expert_row (Parser *x, int parent, guint level, guint start, guint end, const IotExpertInfo *info)
{
  int row;

  if (!room_at (x, level))
    return;
  row = x->tree ? iot_tree_add_text (x->pkt, parent, x->buf, start, end - start, "%s", info->field.name) : -1;

  iot_expert_add_info (x->pkt, row >= 0 ? row : parent, info, NULL);
}

static void
pop_frame (Parser *x, guint start, guint end)
{
  if (x->stack->len > 1)
    g_array_set_size (x->stack, x->stack->len - 1);
  else
    add_expert_row (x, top (x)->item, top (x)->level + 1, start, end, &xml_experts[E_CLOSING_UNOPENED]);
}

static void
push_frame (Parser *x, FrameKind kind, int item, guint start)
{
  Frame frame = { kind, item, item, start, top (x)->level + 1 };

  g_array_append_val (x->stack, frame);
}

static void
append_label (Parser *x, int row, const char *text)
{
  if (x->tree)
    iot_tree_append_label (x->pkt, row, "%s", text);
}

/* Attributes of an element or a processing instruction; those of the XML
 * declaration that tshark knows get fields of their own, holding the value
 * without its quotes. */
static void
add_attributes (Parser *x, int parent, guint level, gboolean declaration, int *last)
{
  static const struct { const char *name; int field; } known[] = {
    { "version", F_XMLPI_XML_VERSION },
    { "encoding", F_XMLPI_XML_ENCODING },
    { "standalone", F_XMLPI_XML_STANDALONE },
  };

  for (guint i = 0; i < x->attrs->len; i++)
    {
      const Attr *a = &g_array_index (x->attrs, Attr, i);
      int field = F_ATTRIBUTE;
      guint start = a->name_start, end = a->value_end;

      for (guint k = 0; declaration && k < G_N_ELEMENTS (known); k++)
        if (a->name_end - a->name_start == strlen (known[k].name)
            && g_ascii_strncasecmp ((const char *) x->p + a->name_start, known[k].name,
                                    a->name_end - a->name_start) == 0)
          {
            field = known[k].field;
            start = a->value_start + (a->quoted ? 1 : 0);
            end = a->value_end - (a->quoted ? 1 : 0);
          }
      *last = add_row (x, parent, level, field, start, end, a->name_start, a->value_end);
    }
}

/* ---- tokens ----------------------------------------------------------------------- */

/* <!-- … -->, <![CDATA[ … ]]> */
static gint
try_delimited (Parser *x, guint off, const char *open, const char *close, Search *memo, int field)
{
  gint64 at;
  guint from;

  if (!has_text (x, off, open, FALSE))
    return -1;
  from = skip_blanks (x, off + strlen (open));
  at = search (x, memo, from, close);
  if (at < 0)
    return -1;
  at += strlen (close);
  add_row (x, top (x)->item, top (x)->level + 1, field, off, at, off, at);
  return (gint) at;
}

/* <?target attr="…" ?> */
static gint
try_pi (Parser *x, guint off)
{
  guint at, name_start;
  gint name_end, end;
  gboolean declaration;
  guint level;
  int row, last;

  if (!has_text (x, off, "<?", FALSE))
    return -1;
  name_start = skip_blanks (x, off + 2);
  name_end = match_name (x, name_start, FALSE);
  if (name_end < 0)
    return -1;
  at = skip_blanks (x, (guint) name_end);
  g_array_set_size (x->attrs, 0);
  if (!has_text (x, at, "?>", FALSE))
    {
      end = match_attributes (x, at);
      if (end < 0)
        return -1;
      at = skip_blanks (x, (guint) end);
      if (!has_text (x, at, "?>", FALSE))
        return -1;
    }
  end = (gint) at + 2;
  declaration = (guint) name_end - name_start == 3 && memcmp (x->p + name_start, "xml", 3) == 0;
  level = top (x)->level + 1;
  row = add_row (x, top (x)->item, level, declaration ? F_XMLPI_XML : F_XMLPI, off, end, off, name_end);
  last = row;
  add_attributes (x, row, level + 1, declaration, &last);
  add_text_row (x, row, level + 1, at, end);
  return end;
}

/* </name> */
static gint
try_closing_tag (Parser *x, guint off)
{
  gint at = match_open (x, off, '/');
  gint name_end;
  guint gt;
  Frame *frame;

  if (at < 0 || (name_end = match_tag_name (x, skip_blanks (x, at))) < 0)
    return -1;
  gt = skip_blanks (x, name_end);
  if (gt >= x->len || x->p[gt] != '>')
    return -1;
  frame = top (x);
  iot_tree_set_length (x->pkt, frame->item, gt + 1 - frame->start);
  add_text_row (x, frame->item, frame->level + 1, off, gt + 1);
  pop_frame (x, off, gt + 1);
  return (gint) gt + 1;
}

/* <!DOCTYPE name [   or   <!DOCTYPE name PUBLIC|SYSTEM … > */
static gint
try_doctype (Parser *x, guint off)
{
  gint at = match_open (x, off, '!');
  guint name_start, after;
  gint name_end, end = -1;
  gboolean subset = FALSE;
  int row;

  if (at < 0)
    return -1;
  at = skip_blanks (x, at);
  if (!has_text (x, at, "DOCTYPE", TRUE))
    return -1;
  name_start = skip_blanks (x, at + 7);
  name_end = match_name (x, name_start, FALSE);
  if (name_end < 0)
    return -1;
  after = skip_blanks (x, name_end);
  if (after < x->len && x->p[after] == '[')
    {
      end = (gint) after + 1;
      subset = TRUE;
    }
  else if (has_text (x, after, "PUBLIC", TRUE) || has_text (x, after, "SYSTEM", TRUE))
    end = until_gt (x, skip_blanks (x, after + 6));
  if (end < 0)
    return -1;
  row = add_row (x, top (x)->item, top (x)->level + 1, F_DOCTYPE, name_start, name_end, off, end);
  if (subset)
    push_frame (x, KIND_DOCTYPE, row, off);
  return end;
}

/* ]> closes a DOCTYPE's internal subset. */
static gint
try_dtd_close (Parser *x, guint off)
{
  guint gt;

  if (off >= x->len || x->p[off] != ']')
    return -1;
  gt = skip_blanks (x, off + 1);
  if (gt >= x->len || x->p[gt] != '>')
    return -1;
  add_text_row (x, top (x)->item, top (x)->level + 1, off, gt + 1);
  pop_frame (x, off, gt + 1);
  return (gint) gt + 1;
}

/* <!ELEMENT …>, <!ENTITY …> … */
static gint
try_dtd_tag (Parser *x, guint off)
{
  gint at = match_open (x, off, '!');
  gint end;

  if (at < 0 || (end = until_gt (x, skip_blanks (x, at))) < 0)
    return -1;
  add_row (x, top (x)->item, top (x)->level + 1, F_DTDTAG, off, end, off, end);
  return end;
}

/* <name attr="…" …> or <name …/> */
static gint
try_tag (Parser *x, guint off)
{
  guint name_start, at;
  gint name_end, end;
  gboolean empty;
  int row, last;
  Frame *frame;

  if (off >= x->len || x->p[off] != '<')
    return -1;
  name_start = skip_blanks (x, off + 1);
  name_end = match_tag_name (x, name_start);
  if (name_end < 0)
    return -1;
  at = skip_blanks (x, name_end);
  g_array_set_size (x->attrs, 0);
  if (at < x->len && x->p[at] != '>' && !has_text (x, at, "/>", FALSE))
    {
      end = match_attributes (x, at);
      if (end < 0)
        return -1;
      at = skip_blanks (x, (guint) end);
    }
  if (at < x->len && x->p[at] == '>')
    empty = FALSE;
  else if (has_text (x, at, "/>", FALSE))
    empty = TRUE;
  else
    return -1;
  end = (gint) at + (empty ? 2 : 1);

  row = add_row (x, top (x)->item, top (x)->level + 1, F_TAG, off, end, off, name_end);
  push_frame (x, KIND_ELEMENT, row, off);
  frame = top (x);
  last = row;
  add_attributes (x, frame->item, frame->level + 1, FALSE, &last);
  append_label (x, last, empty ? "/>" : ">");
  if (empty)
    pop_frame (x, at, end);
  return end;
}

/* Text up to the next '<'. */
static gint
try_text (Parser *x, guint off)
{
  const guint8 *lt = memchr (x->p + off, '<', x->len - off);
  guint end = lt ? (guint) (lt - x->p) : x->len;
  Frame *frame = top (x);

  if (end == off)
    return -1;
  add_row (x, frame->item, frame->level + 1, frame->kind == KIND_ELEMENT ? F_CDATA : F_UNKNOWN,
           off, end, off, end);
  return (gint) end;
}

/* Anything else, up to the next blank. */
static gint
unrecognized (Parser *x, guint off)
{
  guint end = off;

  while (end < x->len && !is_blank (x->p[end]))
    end++;
  add_expert_row (x, top (x)->item, top (x)->level + 1, off, end, &xml_experts[E_UNRECOGNIZED]);
  return (gint) end;
}

/* The tokens in the order tshark tries them: the first that matches wins. */
static guint
next_token (Parser *x, guint off)
{
  gint end;

  if ((end = try_delimited (x, off, "<!--", "-->", &x->comment_end, F_COMMENT)) < 0
      && (end = try_delimited (x, off, "<![CDATA[", "]]>", &x->cdata_end, F_CDATASECTION)) < 0
      && (end = try_pi (x, off)) < 0
      && (end = try_closing_tag (x, off)) < 0
      && (end = try_doctype (x, off)) < 0
      && (end = try_dtd_close (x, off)) < 0
      && (end = try_dtd_tag (x, off)) < 0
      && (end = try_tag (x, off)) < 0
      && (end = try_text (x, off)) < 0)
    end = unrecognized (x, off);
  return (guint) end;
}

/* ---- the layer ---------------------------------------------------------------------- */

static int
dissect_xml (IotPacket *pkt, IotBuf *buf, int parent, gpointer data)
{
  int tree = iot_tree_add_protocol (pkt, parent, &xml_fields[F_PROTO], buf, 0, -1);
  Parser x = { pkt, buf, NULL, buf->length, iot_packet_wants_tree (pkt) };
  Frame root = { KIND_ROOT, tree, tree, 0, 0 };
  guint off;

  (void) data;
  iot_col_append_protocol (pkt, "XML");
  if (buf->length == 0)
    return 0;
  x.p = iot_buf_ptr (buf, 0, buf->length);
  x.stack = g_array_new (FALSE, FALSE, sizeof (Frame));
  x.attrs = g_array_new (FALSE, FALSE, sizeof (Attr));
  x.gt.from = x.comment_end.from = x.cdata_end.from = -1;
  x.no_quote[0] = x.no_quote[1] = -1;
  g_array_append_val (x.stack, root);

  for (off = skip_blanks (&x, 0); off < x.len && !x.too_deep; off = skip_blanks (&x, next_token (&x, off)))
    ;
  if (x.too_deep)
    iot_expert_add_info (pkt, tree, &xml_experts[E_TOO_DEEP],
                         "XML nested deeper than %d levels (tshark's tree limit); the rest is not decoded",
                         MAX_ROW_LEVEL);
  g_array_free (x.stack, TRUE);
  g_array_free (x.attrs, TRUE);
  return buf->length;
}

/* The media types tshark 4.0 decodes as plain XML (those it gives a DTD of
 * its own, such as application/cpim-pidf+xml, are left out). */
static const IotStringHandoff xml_media_types[] = {
  { "media_type", "text/xml" },
  { "media_type", "text/vnd.wap.wml" },
  { "media_type", "text/vnd.wap.si" },
  { "media_type", "text/vnd.wap.sl" },
  { "media_type", "text/vnd.wap.co" },
  { "media_type", "text/vnd.wap.emn" },
  { "media_type", "application/3gpp-ims+xml" },
  { "media_type", "application/atom+xml" },
  { "media_type", "application/auth-policy+xml" },
  { "media_type", "application/ccmp+xml" },
  { "media_type", "application/conference-info+xml" },
  { "media_type", "application/cpl+xml" },
  { "media_type", "application/dds-web+xml" },
  { "media_type", "application/im-iscomposing+xml" },
  { "media_type", "application/load-control+xml" },
  { "media_type", "application/mathml+xml" },
  { "media_type", "application/media_control+xml" },
  { "media_type", "application/note+xml" },
  { "media_type", "application/pidf+xml" },
  { "media_type", "application/pidf-diff+xml" },
  { "media_type", "application/poc-settings+xml" },
  { "media_type", "application/rdf+xml" },
  { "media_type", "application/reginfo+xml" },
  { "media_type", "application/resource-lists+xml" },
  { "media_type", "application/rlmi+xml" },
  { "media_type", "application/rls-services+xml" },
  { "media_type", "application/rss+xml" },
  { "media_type", "application/rs-metadata+xml" },
  { "media_type", "application/simple-filter+xml" },
  { "media_type", "application/simple-message-summary+xml" },
  { "media_type", "application/simservs+xml" },
  { "media_type", "application/soap+xml" },
  { "media_type", "application/vnd.etsi.aoc+xml" },
  { "media_type", "application/vnd.etsi.cug+xml" },
  { "media_type", "application/vnd.etsi.iptvcommand+xml" },
  { "media_type", "application/vnd.etsi.iptvdiscovery+xml" },
  { "media_type", "application/vnd.etsi.iptvprofile+xml" },
  { "media_type", "application/vnd.etsi.iptvsad-bc+xml" },
  { "media_type", "application/vnd.etsi.iptvsad-cod+xml" },
  { "media_type", "application/vnd.etsi.iptvsad-npvr+xml" },
  { "media_type", "application/vnd.etsi.iptvservice+xml" },
  { "media_type", "application/vnd.etsi.iptvsync+xml" },
  { "media_type", "application/vnd.etsi.iptvueprofile+xml" },
  { "media_type", "application/vnd.etsi.mcid+xml" },
  { "media_type", "application/vnd.etsi.overload-control-policy-dataset+xml" },
  { "media_type", "application/vnd.etsi.pstn+xml" },
  { "media_type", "application/vnd.etsi.sci+xml" },
  { "media_type", "application/vnd.etsi.simservs+xml" },
  { "media_type", "application/vnd.etsi.tsl+xml" },
  { "media_type", "application/vnd.oma.xdm-apd+xml" },
  { "media_type", "application/vnd.oma.fnl+xml" },
  { "media_type", "application/vnd.oma.access-permissions-list+xml" },
  { "media_type", "application/vnd.oma.alias-principals-list+xml" },
  { "media_type", "application/upp-directory+xml" },
  { "media_type", "application/vnd.oma.xdm-hi+xml" },
  { "media_type", "application/vnd.oma.xdm-rhi+xml" },
  { "media_type", "application/vnd.oma.xdm-prefs+xml" },
  { "media_type", "application/vnd.oma.xdcp+xml" },
  { "media_type", "application/vnd.oma.bcast.associated-procedure-parameter+xml" },
  { "media_type", "application/vnd.oma.bcast.drm-trigger+xml" },
  { "media_type", "application/vnd.oma.bcast.imd+xml" },
  { "media_type", "application/vnd.oma.bcast.notification+xml" },
  { "media_type", "application/vnd.oma.bcast.sgdd+xml" },
  { "media_type", "application/vnd.oma.bcast.smartcard-trigger+xml" },
  { "media_type", "application/vnd.oma.bcast.sprov+xml" },
  { "media_type", "application/vnd.oma.cab-address-book+xml" },
  { "media_type", "application/vnd.oma.cab-feature-handler+xml" },
  { "media_type", "application/vnd.oma.cab-pcc+xml" },
  { "media_type", "application/vnd.oma.cab-subs-invite+xml" },
  { "media_type", "application/vnd.oma.cab-user-prefs+xml" },
  { "media_type", "application/vnd.oma.dd2+xml" },
  { "media_type", "application/vnd.oma.drm.risd+xml" },
  { "media_type", "application/vnd.oma.group-usage-list+xml" },
  { "media_type", "application/vnd.oma.pal+xml" },
  { "media_type", "application/vnd.oma.poc.detailed-progress-report+xml" },
  { "media_type", "application/vnd.oma.poc.final-report+xml" },
  { "media_type", "application/vnd.oma.poc.groups+xml" },
  { "media_type", "application/vnd.oma.poc.invocation-descriptor+xml" },
  { "media_type", "application/vnd.oma.poc.optimized-progress-report+xml" },
  { "media_type", "application/vnd.oma.scidm.messages+xml" },
  { "media_type", "application/vnd.oma.suppnot+xml" },
  { "media_type", "application/vnd.oma.xcap-directory+xml" },
  { "media_type", "application/vnd.omads-email+xml" },
  { "media_type", "application/vnd.omads-file+xml" },
  { "media_type", "application/vnd.omads-folder+xml" },
  { "media_type", "application/vnd.3gpp.access-transfer-events+xml" },
  { "media_type", "application/vnd.3gpp.bsf+xml" },
  { "media_type", "application/vnd.3gpp.comm-div-info+xml" },
  { "media_type", "application/vnd.3gpp.cw+xml" },
  { "media_type", "application/vnd.3gpp.iut+xml" },
  { "media_type", "application/vnc.3gpp.iut-config+xml" },
  { "media_type", "application/vnd.3gpp.mcptt-info+xml" },
  { "media_type", "application/vnd.3gpp.mcptt-mbms-usage-info+xml" },
  { "media_type", "application/vnd.3gpp.mcptt-location-info+xml" },
  { "media_type", "application/vnd.3gpp.mcptt-affiliation-command+xml" },
  { "media_type", "application/vnd.3gpp.mcptt-floor-request+xml" },
  { "media_type", "application/vnd.3gpp.mcptt-signed+xml" },
  { "media_type", "application/vnd.3gpp.mcptt-regroup+xml" },
  { "media_type", "application/vnd.3gpp.mcdata-info+xml" },
  { "media_type", "application/vnd.3gpp.mcdata-mbms-usage-info+xml" },
  { "media_type", "application/vnd.3gpp.mcdata-location-info+xml" },
  { "media_type", "application/vnd.3gpp.mcdata-affiliation-command+xml" },
  { "media_type", "application/vnd.3gpp.mcdata-regroup+xml" },
  { "media_type", "application/vnd.3gpp.mcvideo-info+xml" },
  { "media_type", "application/vnd.3gpp.mcvideo-mbms-usage-info+xml" },
  { "media_type", "application/vnd.3gpp.mcvideo-location-info+xml" },
  { "media_type", "application/vnd.3gpp.mcvideo-affiliation-command+xml" },
  { "media_type", "application/vnd.3gpp.transmission-request+xml" },
  { "media_type", "application/vnd.3gpp.mcptt-ue-init-config+xml" },
  { "media_type", "application/vnd.3gpp.mcptt-ue-config+xml" },
  { "media_type", "application/vnd.3gpp.mcptt-user-profile+xml" },
  { "media_type", "application/vnd.3gpp.mcptt-service-config+xml" },
  { "media_type", "application/vnd.3gpp.mcdata-service-config+xml" },
  { "media_type", "application/vnd.3gpp.mcvideo-service-config+xml" },
  { "media_type", "application/vnd.3gpp.mcvideo-ue-config+xml" },
  { "media_type", "application/vnd.3gpp.mcvideo-user-profile+xml" },
  { "media_type", "application/vnd.3gpp.mcdata-ue-config+xml" },
  { "media_type", "application/vnd.3gpp.mcdata-user-profile+xml" },
  { "media_type", "application/vnd.3gpp.mid-call+xml" },
  { "media_type", "application/vnd.3gpp-prose-pc3ch+xml" },
  { "media_type", "application/vnd.3gpp-prose+xml" },
  { "media_type", "application/vnd.3gpp.replication+xml" },
  { "media_type", "application/vnd.3gpp.sms+xml" },
  { "media_type", "application/vnd.3gpp.srvcc-info+xml" },
  { "media_type", "application/vnd.3gpp.srvcc-ext+xml" },
  { "media_type", "application/vnd.3gpp.state-and-event-info+xml" },
  { "media_type", "application/vnd.3gpp.ussd+xml" },
  { "media_type", "application/vnd.3gpp2.bcmcsinfo+xml" },
  { "media_type", "application/vnd.wv.csp+xml" },
  { "media_type", "application/vnd.wv.csp.xml" },
  { "media_type", "application/watcherinfo+xml" },
  { "media_type", "application/xcap-att+xml" },
  { "media_type", "application/xcap-caps+xml" },
  { "media_type", "application/xcap-diff+xml" },
  { "media_type", "application/xcap-el+xml" },
  { "media_type", "application/xcap-error+xml" },
  { "media_type", "application/xcap-ns+xml" },
  { "media_type", "application/xml" },
  { "media_type", "application/xml-dtd" },
  { "media_type", "application/xpidf+xml" },
  { "media_type", "application/xslt+xml" },
  { "media_type", "application/x-crd+xml" },
  { "media_type", "application/x-wms-logconnectstats" },
  { "media_type", "application/x-wms-logplaystats" },
  { "media_type", "application/x-wms-sendevent" },
  { "media_type", "image/svg+xml" },
  { "media_type", "message/imdn+xml" },
  { NULL },
};

IotDissector iot_dissector_xml = {
  .name = "XML",
  .abbrev = "xml",
  .long_name = "eXtensible Markup Language",
  .fields = xml_fields,
  .n_fields = N_FIELDS,
  .experts = xml_experts,
  .n_experts = N_EXPERTS,
  .dissect_with_data = dissect_xml,
  .string_handoff = xml_media_types,
};
