/* iot-filter-parse.c — the display filter's lexer and recursive-descent
 * parser: text to a tree of tests, with the position of any problem. */
#include "iot-filter-private.h"
#include "iot-format.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static gboolean
is_word_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '.' || c == ':' || c == '-' || c == '/'
         || c == '+' || c == '#';
}

static gboolean
lex_escape (Parser *p, GString *out)
{
  const char *s = p->src;
  char c = s[p->pos];

  switch (c)
    {
    case 'n': g_string_append_c (out, '\n'); p->pos++; return TRUE;
    case 't': g_string_append_c (out, '\t'); p->pos++; return TRUE;
    case 'r': g_string_append_c (out, '\r'); p->pos++; return TRUE;
    case 'a': g_string_append_c (out, '\a'); p->pos++; return TRUE;
    case 'b': g_string_append_c (out, '\b'); p->pos++; return TRUE;
    case 'f': g_string_append_c (out, '\f'); p->pos++; return TRUE;
    case 'v': g_string_append_c (out, '\v'); p->pos++; return TRUE;
    case '\\': case '"': case '\'': g_string_append_c (out, c); p->pos++; return TRUE;
    case 'x':
      if (g_ascii_isxdigit (s[p->pos + 1]))
        {
          guint v = 0, n = 0;

          p->pos++;
          while (n < 2 && g_ascii_isxdigit (s[p->pos]))
            v = v * 16 + g_ascii_xdigit_value (s[p->pos++]), n++;
          g_string_append_c (out, (char) v);
          return TRUE;
        }
      return FALSE;
    default:
      if (c >= '0' && c <= '7')
        {
          guint v = 0, n = 0, at = p->pos;

          while (n < 3 && s[p->pos] >= '0' && s[p->pos] <= '7')
            v = v * 8 + (guint) (s[p->pos++] - '0'), n++;
          /* An escape is one byte: "\400" would silently wrap. */
          if (v > 0xff)
            {
              p->problem = iot_filter_problem_new (at - 1, n + 1, "The escape \\%.*s is larger than 255 (\\377): an escape is one byte.",
                                        (int) n, s + at);
              return FALSE;
            }
          g_string_append_c (out, (char) v);
          return TRUE;
        }
      return FALSE;
    }
}

static gboolean
lex_string (Parser *p, Token *tok, gboolean raw)
{
  GString *out = g_string_new (NULL);

  p->pos++;   /* opening quote */
  while (p->src[p->pos] != '"')
    {
      if (p->src[p->pos] == '\0')
        {
          p->problem = iot_filter_problem_new (tok->start, p->pos - tok->start, "The string is not terminated (missing \").");
          g_string_free (out, TRUE);
          return FALSE;
        }
      if (p->src[p->pos] == '\\' && !raw)
        {
          guint at = p->pos++;

          if (!lex_escape (p, out))
            {
              if (p->problem == NULL)
                p->problem = iot_filter_problem_new (at, 2, "Invalid escape sequence in a string.");
              g_string_free (out, TRUE);
              return FALSE;
            }
          continue;
        }
      if (p->src[p->pos] == '\\' && raw && p->src[p->pos + 1] == '"')
        g_string_append_c (out, p->src[p->pos++]);
      g_string_append_c (out, p->src[p->pos++]);
    }
  p->pos++;
  tok->kind = TOK_STRING;
  tok->text_len = out->len;
  tok->text = g_string_free (out, FALSE);
  return TRUE;
}

static gboolean
lex_char (Parser *p, Token *tok)
{
  GString *out = g_string_new (NULL);

  p->pos++;
  if (p->src[p->pos] == '\\')
    {
      p->pos++;
      if (!lex_escape (p, out))
        goto bad;
    }
  else if (p->src[p->pos] != '\0' && p->src[p->pos] != '\'')
    g_string_append_c (out, p->src[p->pos++]);
  if (out->len != 1 || p->src[p->pos] != '\'')
    goto bad;
  p->pos++;
  tok->kind = TOK_CHAR;
  tok->text_len = 1;
  tok->text = g_string_free (out, FALSE);
  return TRUE;
bad:
  g_string_free (out, TRUE);
  if (p->problem == NULL)
    p->problem = iot_filter_problem_new (tok->start, 3, "Invalid character constant.");
  return FALSE;
}

static const struct {
  const char *word;
  TokKind     kind;
  CmpOp       op;
  gboolean    deprecated;
} keywords[] = {
  { "and", TOK_AND }, { "AND", TOK_AND }, { "or", TOK_OR }, { "OR", TOK_OR },
  { "not", TOK_NOT }, { "NOT", TOK_NOT }, { "in", TOK_IN },
  { "eq", TOK_OP, OP_ANY_EQ }, { "any_eq", TOK_OP, OP_ANY_EQ },
  { "ne", TOK_OP, OP_ALL_NE }, { "all_ne", TOK_OP, OP_ALL_NE },
  { "all_eq", TOK_OP, OP_ALL_EQ }, { "any_ne", TOK_OP, OP_ANY_NE },
  { "gt", TOK_OP, OP_GT }, { "ge", TOK_OP, OP_GE }, { "lt", TOK_OP, OP_LT }, { "le", TOK_OP, OP_LE },
  { "contains", TOK_OP, OP_CONTAINS }, { "matches", TOK_OP, OP_MATCHES },
  { "bitwise_and", TOK_BITAND }, { "bitand", TOK_BITAND },
};

static void
classify_word (Token *tok)
{
  for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
    if (strcmp (tok->text, keywords[i].word) == 0)
      {
        tok->kind = keywords[i].kind;
        tok->op = keywords[i].op;
        tok->deprecated = keywords[i].deprecated;
        return;
      }
}

static gboolean
lex_operator (Parser *p, Token *tok)
{
  static const struct { const char *text; TokKind kind; CmpOp op; gboolean deprecated; } ops[] = {
    { "===", TOK_OP, OP_ALL_EQ }, { "!==", TOK_OP, OP_ANY_NE },
    { "==", TOK_OP, OP_ANY_EQ }, { "!=", TOK_OP, OP_ALL_NE }, { "~=", TOK_OP, OP_ANY_NE },
    { ">=", TOK_OP, OP_GE }, { "<=", TOK_OP, OP_LE }, { ">", TOK_OP, OP_GT }, { "<", TOK_OP, OP_LT },
    { "&&", TOK_AND }, { "||", TOK_OR }, { "!", TOK_NOT }, { "&", TOK_BITAND }, { "~", TOK_OP, OP_MATCHES },
    { "..", TOK_DOTDOT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    if (strncmp (p->src + p->pos, ops[i].text, strlen (ops[i].text)) == 0)
      {
        tok->kind = ops[i].kind;
        tok->op = ops[i].op;
        tok->deprecated = ops[i].deprecated;
        p->pos += strlen (ops[i].text);
        return TRUE;
      }
  return FALSE;
}

static gboolean
lex_slice (Parser *p, Token *tok)
{
  const char *close = strchr (p->src + p->pos, ']');

  if (close == NULL)
    {
      p->problem = iot_filter_problem_new (p->pos, 1, "The slice is not closed (missing ]).");
      return FALSE;
    }
  tok->kind = TOK_SLICE;
  tok->text = g_strndup (p->src + p->pos + 1, close - (p->src + p->pos + 1));
  p->pos = close - p->src + 1;
  return TRUE;
}

/* A word "3..7" inside a set is three tokens. */
static void
push_word (Parser *p, Token *tok)
{
  char *dots = strstr (tok->text, "..");

  if (dots != NULL && dots != tok->text && dots[2] != '\0')
    {
      Token low = *tok, mid = { TOK_DOTDOT }, high = *tok;
      guint low_len = dots - tok->text;

      low.text = g_strndup (tok->text, low_len);
      low.length = low_len;
      mid.start = tok->start + low_len;
      mid.length = 2;
      high.text = g_strdup (dots + 2);
      high.start = tok->start + low_len + 2;
      high.length = tok->length - low_len - 2;
      g_free (tok->text);
      g_array_append_val (p->tokens, low);
      g_array_append_val (p->tokens, mid);
      g_array_append_val (p->tokens, high);
      return;
    }
  classify_word (tok);
  g_array_append_val (p->tokens, *tok);
}

/* Outside quotes a filter is printable ASCII, as in Wireshark. */
static void
report_unprintable (Parser *p)
{
  const char *at = p->src + p->pos;
  guchar byte = (guchar) *at;
  gunichar c;

  if (byte < 0x80)
    {
      p->problem = iot_filter_problem_new (p->pos, 1, "The control character 0x%02x may only appear inside double quotes "
                                "(write it as \\x%02x).", byte, byte);
      return;
    }
  c = g_utf8_get_char_validated (at, -1);
  if (c == (gunichar) -1 || c == (gunichar) -2)
    p->problem = iot_filter_problem_new (p->pos, 1, "Byte 0x%02x is not valid UTF-8; "
                              "non-ASCII text may only appear inside double quotes.", byte);
  else
    p->problem = iot_filter_problem_new (p->pos, g_utf8_skip[byte], "\"%.*s\" (U+%04X): "
                              "non-ASCII characters may only appear inside double quotes.",
                              (int) g_utf8_skip[byte], at, c);
}

gboolean
iot_filter_lex (Parser *p)
{
  const char *s = p->src;

  for (;;)
    {
      Token tok = { 0 };
      char c;

      while (g_ascii_isspace (s[p->pos]))
        p->pos++;
      tok.start = p->pos;
      c = s[p->pos];
      if (c == '\0')
        {
          tok.kind = TOK_END;
          g_array_append_val (p->tokens, tok);
          return TRUE;
        }
      if ((guchar) c >= 0x80 || g_ascii_iscntrl (c))
        {
          report_unprintable (p);
          return FALSE;
        }
      if (c == '(' || c == ')' || c == '{' || c == '}' || c == ',')
        {
          tok.kind = c == '(' ? TOK_LPAREN : c == ')' ? TOK_RPAREN : c == '{' ? TOK_LBRACE
                     : c == '}' ? TOK_RBRACE : TOK_COMMA;
          p->pos++;
        }
      else if (c == '[')
        {
          if (!lex_slice (p, &tok))
            return FALSE;
        }
      else if (c == '"' || (c == 'r' && s[p->pos + 1] == '"'))
        {
          if (c == 'r')
            p->pos++;
          if (!lex_string (p, &tok, c == 'r'))
            return FALSE;
        }
      else if (c == '\'')
        {
          if (!lex_char (p, &tok))
            return FALSE;
        }
      else if (c == '.' && s[p->pos + 1] == '.')
        {
          tok.kind = TOK_DOTDOT;
          p->pos += 2;
        }
      else if (is_word_char (c) && !(c == '.' && s[p->pos + 1] == '.'))
        {
          guint start = p->pos;

          while (is_word_char (s[p->pos]))
            p->pos++;
          tok.kind = TOK_WORD;
          tok.text = g_strndup (s + start, p->pos - start);
          tok.length = p->pos - tok.start;
          push_word (p, &tok);
          continue;
        }
      else if (!lex_operator (p, &tok))
        {
          p->problem = iot_filter_problem_new (p->pos, 1, "\"%c\" was unexpected in this context.", c);
          return FALSE;
        }
      tok.length = p->pos - tok.start;
      g_array_append_val (p->tokens, tok);
    }
}

/* ---- parser ------------------------------------------------------------------- */

Token *
iot_filter_peek (Parser *p)
{
  return &g_array_index (p->tokens, Token, p->next);
}

static Token *
advance (Parser *p)
{
  Token *tok = iot_filter_peek (p);

  if (tok->kind != TOK_END)
    p->next++;
  return tok;
}

void
iot_filter_unexpected (Parser *p, Token *tok)
{
  if (p->problem != NULL)
    return;
  if (tok->kind == TOK_END)
    p->problem = iot_filter_problem_new (tok->start, 1, "Unexpected end of filter expression.");
  else
    p->problem = iot_filter_problem_new (tok->start, tok->length, "\"%.*s\" was unexpected in this context.",
                              (int) tok->length, p->src + tok->start);
}

static void
warn (Parser *p, guint start, guint length, const char *fmt, ...) G_GNUC_PRINTF (4, 5);

static void
warn (Parser *p, guint start, guint length, const char *fmt, ...)
{
  IotFilterProblem *problem = g_new0 (IotFilterProblem, 1);
  va_list ap;

  va_start (ap, fmt);
  problem->message = iot_filter_message_vprintf (fmt, ap);
  va_end (ap);
  problem->start = start;
  problem->length = MAX (length, 1);
  g_ptr_array_add (p->filter->warnings, problem);
}

static Expr *
expr_new (Parser *p, ExprKind kind, const Token *tok)
{
  Expr *e = g_new0 (Expr, 1);

  e->kind = kind;
  e->start = tok->start;
  e->length = tok->length;
  e->values = g_array_new (FALSE, FALSE, sizeof (FValue));
  e->bytes = g_byte_array_new ();
  g_ptr_array_add (p->filter->exprs, e);
  return e;
}

static Test *
test_new (Parser *p, TestKind kind)
{
  Test *t = g_new0 (Test, 1);

  t->kind = kind;
  g_ptr_array_add (p->filter->tests, t);
  return t;
}

/* Enters one more level of nesting at @tok; FALSE (and a problem) past
 * MAX_NESTING. */
static gboolean
nest (Parser *p, const Token *tok)
{
  if (p->depth < MAX_NESTING)
    {
      p->depth++;
      return TRUE;
    }
  if (p->problem == NULL)
    p->problem = iot_filter_problem_new (tok->start, tok->length,
                              "The filter nests parentheses, function calls or slices more than %d levels deep.",
                              MAX_NESTING);
  return FALSE;
}

static void
unnest (Parser *p)
{
  p->depth--;
}

/* "[-+]digits", decimal, 0x hex, 0b binary or 0 octal: its sign and
 * magnitude.  The sign is Wireshark's unary minus: the magnitude is the
 * value checked against a field. */
NumberParse
iot_filter_parse_number (const char *text, gboolean *negative, guint64 *magnitude)
{
  char *end = NULL;
  const char *digits;
  int base = 10;

  *negative = text[0] == '-';
  digits = *negative || text[0] == '+' ? text + 1 : text;
  if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
    base = 16, digits += 2;
  else if (digits[0] == '0' && (digits[1] == 'b' || digits[1] == 'B'))
    base = 2, digits += 2;
  else if (digits[0] == '0' && digits[1] != '\0')
    base = 8, digits += 1;
  if (!g_ascii_isxdigit (digits[0]))
    return NUMBER_INVALID;
  errno = 0;
  *magnitude = g_ascii_strtoull (digits, &end, base);
  if (end == digits || *end != '\0')
    return NUMBER_INVALID;
  return errno == ERANGE ? NUMBER_OVERFLOW : errno == 0 ? NUMBER_OK : NUMBER_INVALID;
}

gboolean
iot_filter_parse_int64 (const char *text, gint64 *out)
{
  gboolean negative;
  guint64 magnitude;

  if (iot_filter_parse_number (text, &negative, &magnitude) != NUMBER_OK)
    return FALSE;
  if (negative)
    {
      if (magnitude > (guint64) G_MAXINT64 + 1)
        return FALSE;
      *out = (gint64) (0 - magnitude);
    }
  else
    *out = (gint64) magnitude;
  return TRUE;
}

static gboolean
parse_slice_ranges (Parser *p, const Token *tok, Expr *slice)
{
  GArray *ranges;
  const char *inside = tok->text;   /* at tok->start + 1 in the filter */

  if (inside[strspn (inside, " \t")] == '\0')
    {
      p->problem = iot_filter_problem_new (tok->start, tok->length, "The slice \"[%s]\" selects nothing: give an offset or a range.",
                                inside);
      return FALSE;
    }
  ranges = g_array_new (FALSE, FALSE, sizeof (SliceRange));
  for (const char *from = inside; from != NULL; )
    {
      const char *comma = strchr (from, ',');
      guint lead = strspn (from, " \t");
      guint span = comma != NULL ? (guint) (comma - from) : strlen (from);
      g_autofree char *part = NULL;
      guint part_start;
      SliceRange r = { 0, 1, FALSE };
      char *sep;
      gint64 a = 0, b = 0;

      part = g_strstrip (g_strndup (from, span));
      part_start = tok->start + 1 + (guint) (from - inside) + MIN (lead, span);
      from = comma != NULL ? comma + 1 : NULL;
      if (part[0] == '\0')
        goto bad;

      if ((sep = strchr (part, ':')) != NULL)
        {
          *sep = '\0';
          if (part[0] != '\0' && !iot_filter_parse_int64 (part, &a))
            goto bad;
          r.start = a;
          if (sep[1] == '\0')
            r.to_end = TRUE;
          else if (!iot_filter_parse_int64 (sep + 1, &b) || b < 0)
            goto bad;
          else if (b == 0)
            {
              *sep = ':';
              g_array_free (ranges, TRUE);
              p->problem = iot_filter_problem_new (part_start, strlen (part),
                                        "The range %s selects nothing: its length must be at least 1.", part);
              return FALSE;
            }
          r.length = b;
        }
      else if ((sep = strchr (part + 1, '-')) != NULL)
        {
          *sep = '\0';
          if (!iot_filter_parse_int64 (part, &a) || !iot_filter_parse_int64 (sep + 1, &b) || b < a)
            goto bad;
          r.start = a;
          r.length = b - a + 1;
        }
      else
        {
          if (!iot_filter_parse_int64 (part, &a))
            goto bad;
          r.start = a;
        }
      g_array_append_val (ranges, r);
    }
  slice->n_ranges = ranges->len;
  slice->ranges = (SliceRange *) g_array_free (ranges, FALSE);
  return TRUE;
bad:
  g_array_free (ranges, TRUE);
  p->problem = iot_filter_problem_new (tok->start, tok->length, "\"[%s]\" is not a valid slice.", tok->text);
  return FALSE;
}

static const struct {
  const char *name;
  FuncKind    kind;
} functions[] = {
  { "len", FUNC_LEN }, { "count", FUNC_COUNT }, { "lower", FUNC_LOWER },
  { "upper", FUNC_UPPER }, { "string", FUNC_STRING },
};

static Expr *parse_value (Parser *p);

static Expr *
parse_function (Parser *p, Token *name, FuncKind kind)
{
  Expr *e = expr_new (p, EXPR_FUNC, name);
  Token *close;

  e->func = kind;
  if (!nest (p, name))
    return NULL;
  advance (p);   /* ( */
  e->arg = parse_value (p);
  unnest (p);
  if (e->arg == NULL)
    return NULL;
  close = advance (p);
  if (close->kind != TOK_RPAREN)
    {
      iot_filter_unexpected (p, close);
      return NULL;
    }
  e->length = close->start + close->length - e->start;
  return e;
}

/* A field, literal or function call, with optional slices. */
static Expr *
parse_value (Parser *p)
{
  Token *tok = advance (p);
  Expr *e = NULL;

  switch (tok->kind)
    {
    case TOK_WORD:
      if (iot_filter_peek (p)->kind == TOK_LPAREN)
        {
          for (guint i = 0; i < G_N_ELEMENTS (functions); i++)
            if (strcmp (tok->text, functions[i].name) == 0)
              {
                e = parse_function (p, tok, functions[i].kind);
                break;
              }
          if (e == NULL && p->problem == NULL)
            p->problem = iot_filter_problem_new (tok->start, tok->length, "The function \"%s\" does not exist.", tok->text);
          if (e == NULL)
            return NULL;
        }
      else
        {
          const IotField *field = iot_registry_field (tok->text);

          e = expr_new (p, field ? EXPR_FIELD : EXPR_LITERAL, tok);
          e->field = field;
          e->lit_kind = LIT_UNPARSED;
          e->text = g_strdup (tok->text);
        }
      break;
    case TOK_STRING:
    case TOK_CHAR:
      e = expr_new (p, EXPR_LITERAL, tok);
      e->lit_kind = tok->kind == TOK_STRING ? LIT_STRING : LIT_CHAR;
      e->text = g_memdup2 (tok->text, tok->text_len + 1);
      e->value.len = tok->text_len;
      break;
    default:
      iot_filter_unexpected (p, tok);
      return NULL;
    }
  /* Each slice wraps what it slices: a nesting level for the passes that
   * follow. */
  for (guint slices = 0; iot_filter_peek (p)->kind == TOK_SLICE; slices++)
    {
      Token *slice_tok = advance (p);
      Expr *slice;

      if (p->depth + slices >= MAX_NESTING)
        {
          p->problem = iot_filter_problem_new (slice_tok->start, slice_tok->length,
                                    "The filter nests parentheses, function calls or slices more than %d levels deep.",
                                    MAX_NESTING);
          return NULL;
        }
      slice = expr_new (p, EXPR_SLICE, slice_tok);

      slice->start = e->start;
      slice->length = slice_tok->start + slice_tok->length - e->start;
      slice->arg = e;
      if (!parse_slice_ranges (p, slice_tok, slice))
        return NULL;
      e = slice;
    }
  return e;
}

/* value [ & value ] */
static Expr *
parse_operand (Parser *p)
{
  Expr *e = parse_value (p);

  if (e != NULL && iot_filter_peek (p)->kind == TOK_BITAND)
    {
      Token *op = advance (p);
      Expr *mask = parse_value (p);
      Expr *and;

      if (mask == NULL)
        return NULL;
      and = expr_new (p, EXPR_BITAND, op);
      and->start = e->start;
      and->length = mask->start + mask->length - e->start;
      and->arg = e;
      and->arg2 = mask;
      if (op->kind == TOK_BITAND && p->src[op->start] != '&')
        warn (p, op->start, op->length, "\"%.*s\" is deprecated, use \"&\".", (int) op->length, p->src + op->start);
      return and;
    }
  return e;
}

static gboolean
parse_set (Parser *p, Test *t)
{
  Token *open = advance (p);

  if (open->kind != TOK_LBRACE)
    {
      iot_filter_unexpected (p, open);
      return FALSE;
    }
  t->set_exprs = g_ptr_array_new ();
  for (;;)
    {
      Expr *low = parse_value (p), *high = NULL;

      if (low == NULL)
        return FALSE;
      if (iot_filter_peek (p)->kind == TOK_DOTDOT)
        {
          advance (p);
          high = parse_value (p);
          if (high == NULL)
            return FALSE;
        }
      g_ptr_array_add (t->set_exprs, low);
      g_ptr_array_add (t->set_exprs, high);
      if (iot_filter_peek (p)->kind == TOK_COMMA)
        {
          advance (p);
          continue;
        }
      if (iot_filter_peek (p)->kind == TOK_RBRACE)
        {
          advance (p);
          return TRUE;
        }
      iot_filter_unexpected (p, iot_filter_peek (p));
      return FALSE;
    }
}

static Test *
parse_relation (Parser *p)
{
  Token *tok = iot_filter_peek (p);
  Expr *lhs;
  Test *t;

  if (tok->kind == TOK_LPAREN)
    {
      Token *close;

      if (!nest (p, tok))
        return NULL;
      advance (p);
      t = iot_filter_parse_or (p);
      unnest (p);
      if (t == NULL)
        return NULL;
      close = advance (p);
      if (close->kind != TOK_RPAREN)
        {
          iot_filter_unexpected (p, close);
          return NULL;
        }
      return t;
    }
  lhs = parse_operand (p);
  if (lhs == NULL)
    return NULL;
  tok = iot_filter_peek (p);
  if (tok->kind == TOK_OP)
    {
      advance (p);
      if (tok->deprecated)
        warn (p, tok->start, tok->length, "\"%.*s\" is deprecated; use \"%s\".", (int) tok->length,
              p->src + tok->start, tok->op == OP_ANY_NE ? "!==" : "==");
      t = test_new (p, TEST_CMP);
      t->op = tok->op;
      t->lhs = lhs;
      t->rhs = parse_operand (p);
      return t->rhs ? t : NULL;
    }
  if (tok->kind == TOK_IN)
    {
      advance (p);
      t = test_new (p, TEST_IN);
      t->lhs = lhs;
      return parse_set (p, t) ? t : NULL;
    }
  t = test_new (p, lhs->kind == EXPR_BITAND ? TEST_TRUTH : TEST_EXISTS);
  t->lhs = lhs;
  return t;
}

/* "not not … x": read in a loop; an even number of "not" is no "not". */
static Test *
parse_not (Parser *p)
{
  gboolean negated = FALSE;
  Test *inner, *t;

  while (iot_filter_peek (p)->kind == TOK_NOT)
    {
      advance (p);
      negated = !negated;
    }
  inner = parse_relation (p);
  if (inner == NULL || !negated)
    return inner;
  t = test_new (p, TEST_NOT);
  t->a = inner;
  return t;
}

typedef Test *(*ParseFunc) (Parser *p);

/* operand { separator operand }: one node holding every operand, so a long
 * chain costs no depth. */
static Test *
parse_chain (Parser *p, TokKind separator, TestKind kind, ParseFunc parse_operand_test)
{
  Test *first = parse_operand_test (p), *t;

  if (first == NULL || iot_filter_peek (p)->kind != separator)
    return first;
  t = test_new (p, kind);
  t->operands = g_ptr_array_new ();
  g_ptr_array_add (t->operands, first);
  while (iot_filter_peek (p)->kind == separator)
    {
      Test *next;

      advance (p);
      next = parse_operand_test (p);
      if (next == NULL)
        return NULL;
      g_ptr_array_add (t->operands, next);
    }
  return t;
}

static Test *
parse_and (Parser *p)
{
  return parse_chain (p, TOK_AND, TEST_AND, parse_not);
}

Test *
iot_filter_parse_or (Parser *p)
{
  return parse_chain (p, TOK_OR, TEST_OR, parse_and);
}
