/* iot-proto.c — .proto files read into a pool of message and enum types.
 *
 * A small recursive-descent parser over a tokenizer that keeps line
 * numbers, so every error says "file.proto:LINE: what was expected".  It
 * reads what decoding needs (messages, enums, fields with their numbers,
 * labels and types, oneof, map, packed) and skips what it does not
 * (options, services, extensions, reserved ranges).  Type names are
 * resolved once everything a file imports is loaded, by the scoping rule
 * of protobuf: innermost enclosing scope first, then outwards.
 */
#include "iot-proto.h"

#include <string.h>

#include "iot-proto-builtin.h"

G_DEFINE_QUARK (iot-proto-error-quark, iot_proto_error)

struct _IotProtoPool {
  GPtrArray  *search_paths;   /* char * */
  GHashTable *messages;       /* full name → IotProtoMessage (owned) */
  GHashTable *enums;          /* full name → IotProtoEnum (owned) */
  GHashTable *loaded;         /* file names already parsed */
  GPtrArray  *unresolved;     /* PendingType: fields whose type name is not looked up yet */
};

/* A field whose message/enum type is still a name as written. */
typedef struct {
  IotProtoField *field;
  char          *scope;       /* full name of the message it sits in */
  char          *file;
  guint          line;
} PendingType;

static void
field_free (gpointer p)
{
  IotProtoField *f = p;

  g_free (f->name);
  g_free (f->type_name);
  g_free (f);
}

static void
message_free (gpointer p)
{
  IotProtoMessage *m = p;

  g_free (m->full_name);
  g_ptr_array_unref (m->fields);
  g_free (m);
}

static void
enum_value_clear (gpointer p)
{
  g_free (((IotProtoEnumValue *) p)->name);
}

static void
enum_free (gpointer p)
{
  IotProtoEnum *e = p;

  g_free (e->full_name);
  g_array_unref (e->values);
  g_free (e);
}

static void
pending_free (gpointer p)
{
  PendingType *t = p;

  g_free (t->scope);
  g_free (t->file);
  g_free (t);
}

IotProtoPool *
iot_proto_pool_new (void)
{
  IotProtoPool *pool = g_new0 (IotProtoPool, 1);

  pool->search_paths = g_ptr_array_new_with_free_func (g_free);
  pool->messages = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, message_free);
  pool->enums = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, enum_free);
  pool->loaded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  pool->unresolved = g_ptr_array_new_with_free_func (pending_free);
  return pool;
}

void
iot_proto_pool_free (IotProtoPool *pool)
{
  if (pool == NULL)
    return;
  g_ptr_array_unref (pool->search_paths);
  g_ptr_array_unref (pool->unresolved);
  g_hash_table_destroy (pool->messages);
  g_hash_table_destroy (pool->enums);
  g_hash_table_destroy (pool->loaded);
  g_free (pool);
}

/* ---- tokens -------------------------------------------------------------- */

typedef enum {
  TOK_END,
  TOK_IDENT,    /* identifiers and dotted names: a.b.C, .a.b */
  TOK_NUMBER,   /* 12, 0x1f, -3 (sign separate), 1.5 */
  TOK_STRING,   /* the text between the quotes, escapes kept as written */
  TOK_SYMBOL,   /* one character: { } ; = [ ] < > , ( ) - + : */
} TokKind;

typedef struct {
  IotProtoPool *pool;
  const char   *file;
  const char   *p;
  guint         line;
  TokKind       kind;
  char         *text;       /* the current token */
  guint         tok_line;
  char         *package;    /* "" when none */
  gboolean      proto3;
  GError      **error;
} Parser;

static gboolean
fail (Parser *ps, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (Parser *ps, const char *fmt, ...)
{
  g_autofree char *msg = NULL;
  va_list ap;

  if (ps->error != NULL && *ps->error != NULL)
    return FALSE;
  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (ps->error, IOT_PROTO_ERROR, IOT_PROTO_ERROR_SYNTAX, "%s:%u: %s", ps->file, ps->tok_line, msg);
  return FALSE;
}

static void
skip_space (Parser *ps)
{
  for (;;)
    {
      if (*ps->p == '\n')
        ps->line++, ps->p++;
      else if (g_ascii_isspace (*ps->p))
        ps->p++;
      else if (ps->p[0] == '/' && ps->p[1] == '/')
        while (*ps->p && *ps->p != '\n')
          ps->p++;
      else if (ps->p[0] == '/' && ps->p[1] == '*')
        {
          ps->p += 2;
          while (*ps->p && !(ps->p[0] == '*' && ps->p[1] == '/'))
            if (*ps->p++ == '\n')
              ps->line++;
          if (*ps->p)
            ps->p += 2;
        }
      else
        return;
    }
}

/* Moves to the next token; FALSE (with the error set) on bad text. */
static gboolean
next (Parser *ps)
{
  const char *start;

  g_clear_pointer (&ps->text, g_free);
  skip_space (ps);
  ps->tok_line = ps->line;
  start = ps->p;
  if (*ps->p == '\0')
    {
      ps->kind = TOK_END;
      ps->text = g_strdup ("end of file");
      return TRUE;
    }
  if (g_ascii_isalpha (*ps->p) || *ps->p == '_' || (*ps->p == '.' && g_ascii_isalpha (ps->p[1])))
    {
      while (g_ascii_isalnum (*ps->p) || *ps->p == '_' || *ps->p == '.')
        ps->p++;
      ps->kind = TOK_IDENT;
    }
  else if (g_ascii_isdigit (*ps->p) || (*ps->p == '.' && g_ascii_isdigit (ps->p[1])))
    {
      while (g_ascii_isalnum (*ps->p) || *ps->p == '.'
             || ((*ps->p == '+' || *ps->p == '-') && (ps->p[-1] == 'e' || ps->p[-1] == 'E')))
        ps->p++;
      ps->kind = TOK_NUMBER;
    }
  else if (*ps->p == '"' || *ps->p == '\'')
    {
      char quote = *ps->p++;

      start = ps->p;
      while (*ps->p && *ps->p != quote && *ps->p != '\n')
        ps->p += (*ps->p == '\\' && ps->p[1]) ? 2 : 1;
      if (*ps->p != quote)
        return fail (ps, "string not closed on its line");
      ps->kind = TOK_STRING;
      ps->text = g_strndup (start, ps->p - start);
      ps->p++;
      return TRUE;
    }
  else if (strchr ("{};=[]<>,()-+:", *ps->p) != NULL)
    {
      ps->p++;
      ps->kind = TOK_SYMBOL;
    }
  else
    return fail (ps, "unexpected character '%c'", *ps->p);
  ps->text = g_strndup (start, ps->p - start);
  return TRUE;
}

static gboolean
is (Parser *ps, const char *text)
{
  return ps->kind != TOK_STRING && ps->kind != TOK_END && strcmp (ps->text, text) == 0;
}

static gboolean
expect (Parser *ps, const char *text)
{
  if (!is (ps, text))
    return fail (ps, "expected '%s', found '%s'", text, ps->text);
  return next (ps);
}

/* An identifier: returns a copy and moves on, or NULL with the error set. */
static char *
take_ident (Parser *ps, const char *what)
{
  char *name;

  if (ps->kind != TOK_IDENT)
    {
      fail (ps, "expected %s, found '%s'", what, ps->text);
      return NULL;
    }
  name = g_strdup (ps->text);
  if (!next (ps))
    g_clear_pointer (&name, g_free);
  return name;
}

static gboolean
take_int (Parser *ps, gint64 *out)
{
  gboolean negative = FALSE;
  char *end = NULL;
  guint64 v;

  if (is (ps, "-"))
    {
      negative = TRUE;
      if (!next (ps))
        return FALSE;
    }
  if (ps->kind != TOK_NUMBER)
    return fail (ps, "expected a number, found '%s'", ps->text);
  v = g_ascii_strtoull (ps->text, &end, ps->text[0] == '0' && ps->text[1] != 'x' && ps->text[1] != 'X' ? 8 : 0);
  if (end == NULL || *end != '\0')
    return fail (ps, "'%s' is not an integer", ps->text);
  *out = negative ? -(gint64) v : (gint64) v;
  return next (ps);
}

/* Skips a balanced { … } block (services, extend). */
static gboolean
skip_block (Parser *ps)
{
  guint depth = 0;

  while (!is (ps, "{"))
    {
      if (ps->kind == TOK_END)
        return fail (ps, "expected '{', found end of file");
      if (!next (ps))
        return FALSE;
    }
  do
    {
      if (ps->kind == TOK_END)
        return fail (ps, "block not closed before the end of the file");
      if (is (ps, "{"))
        depth++;
      else if (is (ps, "}"))
        depth--;
      if (!next (ps))
        return FALSE;
    }
  while (depth > 0);
  return TRUE;
}

/* Skips to and past the next ';' (option, reserved, extensions). */
static gboolean
skip_statement (Parser *ps)
{
  while (!is (ps, ";"))
    {
      if (ps->kind == TOK_END || is (ps, "{") || is (ps, "}"))
        return fail (ps, "expected ';', found '%s'", ps->text);
      if (!next (ps))
        return FALSE;
    }
  return next (ps);
}

/* ---- types ---------------------------------------------------------------- */

static const struct {
  const char  *name;
  IotProtoType type;
} scalar_types[] = {
  { "double", IOT_PROTO_TYPE_DOUBLE }, { "float", IOT_PROTO_TYPE_FLOAT },
  { "int64", IOT_PROTO_TYPE_INT64 }, { "uint64", IOT_PROTO_TYPE_UINT64 },
  { "int32", IOT_PROTO_TYPE_INT32 }, { "fixed64", IOT_PROTO_TYPE_FIXED64 },
  { "fixed32", IOT_PROTO_TYPE_FIXED32 }, { "bool", IOT_PROTO_TYPE_BOOL },
  { "string", IOT_PROTO_TYPE_STRING }, { "bytes", IOT_PROTO_TYPE_BYTES },
  { "uint32", IOT_PROTO_TYPE_UINT32 }, { "sfixed32", IOT_PROTO_TYPE_SFIXED32 },
  { "sfixed64", IOT_PROTO_TYPE_SFIXED64 }, { "sint32", IOT_PROTO_TYPE_SINT32 },
  { "sint64", IOT_PROTO_TYPE_SINT64 },
};

static IotProtoType
scalar_type (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (scalar_types); i++)
    if (strcmp (scalar_types[i].name, name) == 0)
      return scalar_types[i].type;
  return IOT_PROTO_TYPE_NONE;
}

/* Numbers that a packed repeated field may hold (all but strings, bytes
 * and messages). */
static gboolean
packable (IotProtoType type)
{
  return type != IOT_PROTO_TYPE_STRING && type != IOT_PROTO_TYPE_BYTES
         && type != IOT_PROTO_TYPE_MESSAGE && type != IOT_PROTO_TYPE_GROUP && type != IOT_PROTO_TYPE_NONE;
}

static char *
scoped (const char *scope, const char *name)
{
  return *scope ? g_strconcat (scope, ".", name, NULL) : g_strdup (name);
}

static IotProtoMessage *
new_message (Parser *ps, const char *full_name)
{
  IotProtoMessage *m = g_new0 (IotProtoMessage, 1);

  m->full_name = g_strdup (full_name);
  m->fields = g_ptr_array_new_with_free_func (field_free);
  /* A later definition of the same name replaces the earlier one (a
   * user's copy of a compiled-in file). */
  g_hash_table_replace (ps->pool->messages, m->full_name, m);
  return m;
}

static IotProtoField *
add_field (Parser *ps, IotProtoMessage *m, const char *name, const char *type, gboolean repeated,
           guint line)
{
  IotProtoField *f = g_new0 (IotProtoField, 1);

  f->name = g_strdup (name);
  f->repeated = repeated;
  f->type = scalar_type (type);
  if (f->type == IOT_PROTO_TYPE_NONE)
    {
      PendingType *t = g_new0 (PendingType, 1);

      f->type_name = g_strdup (type);
      t->field = f;
      t->scope = g_strdup (m->full_name);
      t->file = g_strdup (ps->file);
      t->line = line;
      g_ptr_array_add (ps->pool->unresolved, t);
    }
  g_ptr_array_add (m->fields, f);
  return f;
}

/* "[packed = true, default = 3, json_name = "x"]": only packed matters. */
static gboolean
field_options (Parser *ps, IotProtoField *f)
{
  if (!is (ps, "["))
    return TRUE;
  if (!next (ps))
    return FALSE;
  while (!is (ps, "]"))
    {
      if (ps->kind == TOK_END || is (ps, ";"))
        return fail (ps, "expected ']', found '%s'", ps->text);
      if (is (ps, "packed"))
        {
          if (!next (ps))
            return FALSE;
          if (is (ps, "="))
            {
              if (!next (ps))
                return FALSE;
              f->packed = is (ps, "true");
            }
        }
      if (!next (ps))
        return FALSE;
    }
  return next (ps);
}

/* [label] type name = number [options] ;  (the label already taken) */
static gboolean
parse_field (Parser *ps, IotProtoMessage *m, gboolean repeated)
{
  g_autofree char *type = NULL;
  g_autofree char *name = NULL;
  guint line = ps->tok_line;
  IotProtoField *f;
  gint64 number;

  if ((type = take_ident (ps, "a field type")) == NULL || (name = take_ident (ps, "a field name")) == NULL)
    return FALSE;
  if (!expect (ps, "=") || !take_int (ps, &number))
    return FALSE;
  if (number < 1 || number > 536870911)
    return fail (ps, "field number %" G_GINT64_FORMAT " out of range (1 to 536870911)", number);
  f = add_field (ps, m, name, type, repeated, line);
  f->number = (guint32) number;
  /* proto3 packs repeated numbers unless told otherwise. */
  f->packed = repeated && ps->proto3 && packable (f->type);
  if (!field_options (ps, f))
    return FALSE;
  if (f->type != IOT_PROTO_TYPE_NONE && !packable (f->type))
    f->packed = FALSE;
  return expect (ps, ";");
}

/* map<K, V> name = number;  is a repeated NameEntry { K key = 1; V value = 2; } */
static gboolean
parse_map (Parser *ps, IotProtoMessage *m)
{
  g_autofree char *key = NULL, *value = NULL, *name = NULL, *entry_name = NULL, *entry_full = NULL;
  guint line = ps->tok_line;
  IotProtoMessage *entry;
  IotProtoField *f;
  gint64 number;

  if (!next (ps) || !expect (ps, "<") || (key = take_ident (ps, "a key type")) == NULL || !expect (ps, ",")
      || (value = take_ident (ps, "a value type")) == NULL || !expect (ps, ">")
      || (name = take_ident (ps, "a field name")) == NULL || !expect (ps, "=") || !take_int (ps, &number))
    return FALSE;
  entry_name = g_strconcat (name, "Entry", NULL);
  entry_name[0] = g_ascii_toupper (entry_name[0]);
  for (char *c = entry_name; (c = strchr (c, '_')) != NULL;)
    {
      memmove (c, c + 1, strlen (c));
      *c = g_ascii_toupper (*c);
    }
  entry_full = scoped (m->full_name, entry_name);
  entry = new_message (ps, entry_full);
  add_field (ps, entry, "key", key, FALSE, line)->number = 1;
  add_field (ps, entry, "value", value, FALSE, line)->number = 2;
  f = add_field (ps, m, name, entry_full, TRUE, line);
  f->number = (guint32) number;
  if (!field_options (ps, f))
    return FALSE;
  return expect (ps, ";");
}

static gboolean parse_message (Parser *ps, const char *scope);
static gboolean parse_enum (Parser *ps, const char *scope);

static gboolean
parse_oneof (Parser *ps, IotProtoMessage *m)
{
  g_autofree char *name = NULL;

  if (!next (ps) || (name = take_ident (ps, "a oneof name")) == NULL || !expect (ps, "{"))
    return FALSE;
  while (!is (ps, "}"))
    {
      if (ps->kind == TOK_END)
        return fail (ps, "oneof '%s' not closed", name);
      if (is (ps, "option"))
        {
          if (!skip_statement (ps))
            return FALSE;
        }
      else if (is (ps, ";"))
        {
          if (!next (ps))
            return FALSE;
        }
      else if (!parse_field (ps, m, FALSE))
        return FALSE;
    }
  return next (ps);
}

static gboolean
parse_message_body (Parser *ps, IotProtoMessage *m)
{
  while (!is (ps, "}"))
    {
      if (ps->kind == TOK_END)
        return fail (ps, "message '%s' not closed", m->full_name);
      if (is (ps, "message"))
        {
          if (!parse_message (ps, m->full_name))
            return FALSE;
        }
      else if (is (ps, "enum"))
        {
          if (!parse_enum (ps, m->full_name))
            return FALSE;
        }
      else if (is (ps, "oneof"))
        {
          if (!parse_oneof (ps, m))
            return FALSE;
        }
      else if (is (ps, "map") && ps->p[strspn (ps->p, " \t")] == '<')
        {
          if (!parse_map (ps, m))
            return FALSE;
        }
      else if (is (ps, "option") || is (ps, "reserved") || is (ps, "extensions"))
        {
          if (!skip_statement (ps))
            return FALSE;
        }
      else if (is (ps, "extend"))
        {
          if (!skip_block (ps))
            return FALSE;
        }
      else if (is (ps, ";"))
        {
          if (!next (ps))
            return FALSE;
        }
      else if (is (ps, "optional") || is (ps, "required") || is (ps, "repeated"))
        {
          gboolean repeated = is (ps, "repeated");

          if (!next (ps) || !parse_field (ps, m, repeated))
            return FALSE;
        }
      else if (!parse_field (ps, m, FALSE))
        return FALSE;
    }
  return next (ps);
}

static gboolean
parse_message (Parser *ps, const char *scope)
{
  g_autofree char *name = NULL, *full = NULL;

  if (!next (ps) || (name = take_ident (ps, "a message name")) == NULL || !expect (ps, "{"))
    return FALSE;
  full = scoped (scope, name);
  return parse_message_body (ps, new_message (ps, full));
}

static gboolean
parse_enum (Parser *ps, const char *scope)
{
  g_autofree char *name = NULL;
  IotProtoEnum *e;

  if (!next (ps) || (name = take_ident (ps, "an enum name")) == NULL || !expect (ps, "{"))
    return FALSE;
  e = g_new0 (IotProtoEnum, 1);
  e->full_name = scoped (scope, name);
  e->values = g_array_new (FALSE, TRUE, sizeof (IotProtoEnumValue));
  g_array_set_clear_func (e->values, enum_value_clear);
  g_hash_table_replace (ps->pool->enums, e->full_name, e);
  while (!is (ps, "}"))
    {
      IotProtoEnumValue v;
      gint64 number;

      if (ps->kind == TOK_END)
        return fail (ps, "enum '%s' not closed", e->full_name);
      if (is (ps, "option") || is (ps, "reserved"))
        {
          if (!skip_statement (ps))
            return FALSE;
          continue;
        }
      if (is (ps, ";"))
        {
          if (!next (ps))
            return FALSE;
          continue;
        }
      if ((v.name = take_ident (ps, "an enum value name")) == NULL)
        return FALSE;
      if (!expect (ps, "=") || !take_int (ps, &number))
        {
          g_free (v.name);
          return FALSE;
        }
      v.number = (gint32) number;
      g_array_append_val (e->values, v);
      if (is (ps, "[") && !skip_statement (ps))
        return FALSE;
      if (!is (ps, "[") && ps->kind == TOK_SYMBOL && is (ps, ";") && !next (ps))
        return FALSE;
    }
  return next (ps);
}

static gboolean load_file (IotProtoPool *pool, const char *name, GError **error);

static gboolean
parse_file (Parser *ps)
{
  if (!next (ps))
    return FALSE;
  while (ps->kind != TOK_END)
    {
      if (is (ps, "syntax") || is (ps, "edition"))
        {
          if (!next (ps) || !expect (ps, "="))
            return FALSE;
          if (ps->kind != TOK_STRING)
            return fail (ps, "expected the syntax in quotes, found '%s'", ps->text);
          ps->proto3 = strcmp (ps->text, "proto3") == 0;
          if (!next (ps) || !expect (ps, ";"))
            return FALSE;
        }
      else if (is (ps, "package"))
        {
          g_autofree char *name = NULL;

          if (!next (ps) || (name = take_ident (ps, "a package name")) == NULL)
            return FALSE;
          g_free (ps->package);
          ps->package = g_steal_pointer (&name);
          if (!expect (ps, ";"))
            return FALSE;
        }
      else if (is (ps, "import"))
        {
          g_autofree char *target = NULL;
          guint line;

          if (!next (ps))
            return FALSE;
          if ((is (ps, "public") || is (ps, "weak")) && !next (ps))
            return FALSE;
          if (ps->kind != TOK_STRING)
            return fail (ps, "expected a file name in quotes, found '%s'", ps->text);
          target = g_strdup (ps->text);
          line = ps->tok_line;
          if (!next (ps) || !expect (ps, ";"))
            return FALSE;
          if (!load_file (ps->pool, target, ps->error))
            {
              g_prefix_error (ps->error, "%s:%u: ", ps->file, line);
              return FALSE;
            }
        }
      else if (is (ps, "message"))
        {
          if (!parse_message (ps, ps->package))
            return FALSE;
        }
      else if (is (ps, "enum"))
        {
          if (!parse_enum (ps, ps->package))
            return FALSE;
        }
      else if (is (ps, "service") || is (ps, "extend"))
        {
          if (!skip_block (ps))
            return FALSE;
        }
      else if (is (ps, "option"))
        {
          if (!skip_statement (ps))
            return FALSE;
        }
      else if (is (ps, ";"))
        {
          if (!next (ps))
            return FALSE;
        }
      else
        return fail (ps, "expected message, enum, import, package, option or syntax, found '%s'", ps->text);
    }
  return TRUE;
}

/* ---- resolving type names ------------------------------------------------- */

/* Looks @name up from @scope outwards: "a.b.C" in scope "x.y" tries
 * x.y.a.b.C, x.a.b.C, a.b.C. */
static gboolean
resolve_one (IotProtoPool *pool, PendingType *t)
{
  IotProtoField *f = t->field;
  g_autofree char *scope = g_strdup (t->scope);

  if (f->type_name[0] == '.')
    {
      const char *full = f->type_name + 1;
      IotProtoMessage *m = g_hash_table_lookup (pool->messages, full);
      IotProtoEnum *e = g_hash_table_lookup (pool->enums, full);

      if (m == NULL && e == NULL)
        return FALSE;
      f->message = m;
      f->enumeration = m ? NULL : e;
      f->type = m ? IOT_PROTO_TYPE_MESSAGE : IOT_PROTO_TYPE_ENUM;
      memmove (f->type_name, f->type_name + 1, strlen (f->type_name));
      return TRUE;
    }
  for (;;)
    {
      g_autofree char *full = scoped (scope, f->type_name);
      IotProtoMessage *m = g_hash_table_lookup (pool->messages, full);
      IotProtoEnum *e = g_hash_table_lookup (pool->enums, full);
      char *dot;

      if (m != NULL || e != NULL)
        {
          f->message = m;
          f->enumeration = m ? NULL : e;
          f->type = m ? IOT_PROTO_TYPE_MESSAGE : IOT_PROTO_TYPE_ENUM;
          g_free (f->type_name);
          f->type_name = g_steal_pointer (&full);
          return TRUE;
        }
      if (*scope == '\0')
        return FALSE;
      dot = strrchr (scope, '.');
      if (dot != NULL)
        *dot = '\0';
      else
        *scope = '\0';
    }
}

/* Resolves what can be; with @error, the first name found nowhere is one. */
static gboolean
resolve_all (IotProtoPool *pool, GError **error)
{
  for (guint i = 0; i < pool->unresolved->len;)
    {
      PendingType *t = g_ptr_array_index (pool->unresolved, i);

      if (resolve_one (pool, t))
        g_ptr_array_remove_index (pool->unresolved, i);
      else
        i++;
    }
  if (pool->unresolved->len > 0 && error != NULL)
    {
      PendingType *t = g_ptr_array_index (pool->unresolved, 0);

      g_set_error (error, IOT_PROTO_ERROR, IOT_PROTO_ERROR_UNKNOWN_TYPE,
                   "%s:%u: type '%s' of field '%s' is not defined", t->file, t->line, t->field->type_name,
                   t->field->name);
      return FALSE;
    }
  return TRUE;
}

/* ---- loading ------------------------------------------------------------------ */

gboolean
iot_proto_pool_parse (IotProtoPool *pool, const char *name, const char *text, GError **error)
{
  Parser ps = { .pool = pool, .file = name, .p = text, .line = 1, .package = g_strdup (""), .error = error };
  gboolean ok;

  g_hash_table_add (pool->loaded, g_strdup (name));
  ok = parse_file (&ps);
  g_free (ps.text);
  g_free (ps.package);
  return ok && resolve_all (pool, error);
}

/* The well-known types (google/protobuf/...) come with protoc, not
 * with the user's files: their messages, by the field numbers protobuf
 * gives them, stand in when no search path holds the files. */
static const char well_known_types[] =
  "syntax = \"proto3\";\n"
  "package google.protobuf;\n"
  "message Timestamp { int64 seconds = 1; int32 nanos = 2; }\n"
  "message Duration { int64 seconds = 1; int32 nanos = 2; }\n"
  "message Empty {}\n"
  "message Any { string type_url = 1; bytes value = 2; }\n"
  "message FieldMask { repeated string paths = 1; }\n"
  "message DoubleValue { double value = 1; }\n"
  "message FloatValue { float value = 1; }\n"
  "message Int64Value { int64 value = 1; }\n"
  "message UInt64Value { uint64 value = 1; }\n"
  "message Int32Value { int32 value = 1; }\n"
  "message UInt32Value { uint32 value = 1; }\n"
  "message BoolValue { bool value = 1; }\n"
  "message StringValue { string value = 1; }\n"
  "message BytesValue { bytes value = 1; }\n"
  "enum NullValue { NULL_VALUE = 0; }\n"
  "message Struct { map<string, Value> fields = 1; }\n"
  "message Value {\n"
  "  oneof kind { NullValue null_value = 1; double number_value = 2; string string_value = 3;\n"
  "               bool bool_value = 4; Struct struct_value = 5; ListValue list_value = 6; }\n"
  "}\n"
  "message ListValue { repeated Value values = 1; }\n";

static gboolean
load_file (IotProtoPool *pool, const char *name, GError **error)
{
  if (g_hash_table_contains (pool->loaded, name))
    return TRUE;
  for (guint i = 0; i < pool->search_paths->len; i++)
    {
      g_autofree char *path = g_build_filename (g_ptr_array_index (pool->search_paths, i), name, NULL);
      g_autofree char *text = NULL;

      if (!g_file_get_contents (path, &text, NULL, NULL))
        continue;
      return iot_proto_pool_parse (pool, name, text, error);
    }
  if (g_str_has_prefix (name, "google/protobuf/"))
    {
      g_hash_table_add (pool->loaded, g_strdup (name));
      return g_hash_table_contains (pool->loaded, "google/protobuf/(well-known types)")
             || iot_proto_pool_parse (pool, "google/protobuf/(well-known types)", well_known_types, error);
    }
  g_set_error (error, IOT_PROTO_ERROR, IOT_PROTO_ERROR_NOT_FOUND,
               "%s: not found in any protobuf search path", name);
  return FALSE;
}

gboolean
iot_proto_pool_load (IotProtoPool *pool, const char *name, GError **error)
{
  return load_file (pool, name, error) && resolve_all (pool, error);
}

/* Every .proto file under @dir, by its name relative to @dir. */
/* g_ptr_array_sort() passes pointers to the elements: compare the names
 * they point to, so the order is by name and not by address. */
static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
collect_files (const char *dir, const char *relative, GPtrArray *out)
{
  g_autofree char *path = relative ? g_build_filename (dir, relative, NULL) : g_strdup (dir);
  g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *entry;

  if (d == NULL)
    return;
  while ((entry = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (entry));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      const char *n = g_ptr_array_index (names, i);
      g_autofree char *rel = relative ? g_build_filename (relative, n, NULL) : g_strdup (n);
      g_autofree char *full = g_build_filename (dir, rel, NULL);

      if (g_file_test (full, G_FILE_TEST_IS_DIR))
        collect_files (dir, rel, out);
      else if (g_str_has_suffix (n, ".proto"))
        g_ptr_array_add (out, g_steal_pointer (&rel));
    }
}

gboolean
iot_proto_pool_add_search_path (IotProtoPool *pool, const char *dir, gboolean load_all, GError **error)
{
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, IOT_PROTO_ERROR, IOT_PROTO_ERROR_NOT_FOUND, "%s: not a folder", dir);
      return FALSE;
    }
  g_ptr_array_add (pool->search_paths, g_strdup (dir));
  if (!load_all)
    return TRUE;
  collect_files (dir, NULL, files);
  for (guint i = 0; i < files->len; i++)
    if (!load_file (pool, g_ptr_array_index (files, i), error))
      return FALSE;
  return resolve_all (pool, error);
}

const IotProtoMessage *
iot_proto_pool_message (IotProtoPool *pool, const char *full_name)
{
  if (full_name[0] == '.')
    full_name++;
  return g_hash_table_lookup (pool->messages, full_name);
}

const IotProtoField *
iot_proto_message_field (const IotProtoMessage *message, guint32 number)
{
  for (guint i = 0; i < message->fields->len; i++)
    {
      const IotProtoField *f = g_ptr_array_index (message->fields, i);

      if (f->number == number)
        return f;
    }
  return NULL;
}

const char *
iot_proto_enum_name (const IotProtoEnum *enumeration, gint32 number)
{
  for (guint i = 0; enumeration && i < enumeration->values->len; i++)
    {
      const IotProtoEnumValue *v = &g_array_index (enumeration->values, IotProtoEnumValue, i);

      if (v->number == number)
        return v->name;
    }
  return NULL;
}

/* ---- the default pool ---------------------------------------------------------- */

static IotProtoPool *default_pool;
G_LOCK_DEFINE_STATIC (default_pool);

/* Pools replaced while a worker may still read them: kept allocated. */
static GPtrArray *retired_pools;

IotProtoPool *
iot_proto_pool_new_builtin (void)
{
  IotProtoPool *pool = iot_proto_pool_new ();
  g_autoptr (GError) error = NULL;

  if (!iot_proto_pool_parse (pool, "sparkplug_b.proto", iot_proto_builtin_sparkplug_b, &error))
    g_error ("compiled-in sparkplug_b.proto: %s", error->message);
  return pool;
}

IotProtoPool *
iot_proto_default_pool (void)
{
  IotProtoPool *pool;

  G_LOCK (default_pool);
  if (default_pool == NULL)
    default_pool = iot_proto_pool_new_builtin ();
  pool = default_pool;
  G_UNLOCK (default_pool);
  return pool;
}

gboolean
iot_proto_default_add_search_path (const char *dir, gboolean load_all, GError **error)
{
  return iot_proto_pool_add_search_path (iot_proto_default_pool (), dir, load_all, error);
}

void
iot_proto_default_replace (IotProtoPool *pool)
{
  G_LOCK (default_pool);
  if (default_pool != NULL)
    {
      if (retired_pools == NULL)
        retired_pools = g_ptr_array_new ();
      g_ptr_array_add (retired_pools, default_pool);
    }
  default_pool = pool;
  G_UNLOCK (default_pool);
}

void
iot_proto_default_reset (void)
{
  G_LOCK (default_pool);
  g_clear_pointer (&default_pool, iot_proto_pool_free);
  G_UNLOCK (default_pool);
}

/* ---- the wire format ------------------------------------------------------------ */

gboolean
iot_proto_read_varint (const IotBuf *buf, guint off, guint64 *value, guint *n_bytes)
{
  guint64 v = 0;

  for (guint i = 0; i < 10; i++)
    {
      guint8 b;

      if (!iot_buf_has (buf, (guint64) off + i, 1))
        return FALSE;
      b = iot_buf_u8 (buf, off + i);
      v |= (guint64) (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0)
        {
          *value = v;
          *n_bytes = i + 1;
          return TRUE;
        }
    }
  return FALSE;
}
