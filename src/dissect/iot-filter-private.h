/* iot-filter-private.h — the display filter's compiled form, shared by
 * its lexer/parser, semantic check and evaluation (iot-filter*.c). */
#pragma once

#include "iot-filter.h"
#include "iot-core-private.h"

#include <stdarg.h>

G_BEGIN_DECLS

/* ---- values ------------------------------------------------------------- */

typedef enum {
  CLASS_NONE,      /* existence only */
  CLASS_UINT,
  CLASS_INT,
  CLASS_DOUBLE,
  CLASS_BYTES,     /* bytes, MAC addresses, protocol ranges, slices */
  CLASS_STRING,
  CLASS_IPV4,
  CLASS_IPV6,
  CLASS_ABSTIME,
  CLASS_RELTIME,
} ValueClass;

typedef struct {
  guint8  cls;
  guint8  prefix;   /* IP: prefix length of a network literal */
  guint32 len;      /* bytes and strings */
  union {
    guint64       u;
    gint64        i;
    double        d;
    const guint8 *p;
    guint8        ip[16];
  } v;
} FValue;
/* ---- the compiled form ------------------------------------------------------ */

typedef enum {
  FUNC_LEN,
  FUNC_COUNT,
  FUNC_LOWER,
  FUNC_UPPER,
  FUNC_STRING,
} FuncKind;

typedef enum {
  EXPR_FIELD,
  EXPR_LITERAL,
  EXPR_SLICE,
  EXPR_FUNC,
  EXPR_BITAND,
} ExprKind;

typedef struct {
  gint64   start;
  gint64   length;    /* G_MAXINT64 = to the end */
  gboolean to_end;
} SliceRange;

typedef enum {
  LIT_UNPARSED,   /* a bare word: its meaning depends on the other side */
  LIT_STRING,     /* "quoted" */
  LIT_CHAR,       /* 'c' */
} LiteralKind;

typedef struct _Expr Expr;
struct _Expr {
  ExprKind        kind;
  guint           start, length;   /* position in the text */
  ValueClass      cls;             /* result class once typed */
  const IotField *field;           /* EXPR_FIELD; also the type context of literals */
  /* EXPR_LITERAL */
  LiteralKind     lit_kind;
  char           *text;
  FValue          value;
  /* A negative number against an unsigned field: Wireshark negates the
   * number at run time, which fails, so the literal has no value. */
  gboolean        no_value;
  GBytes         *storage;         /* bytes the literal value points into */
  /* EXPR_SLICE / EXPR_FUNC / EXPR_BITAND */
  Expr           *arg;
  Expr           *arg2;
  SliceRange     *ranges;
  guint           n_ranges;
  FuncKind        func;
  /* Per-frame scratch. */
  GArray         *values;          /* FValue */
  GByteArray     *bytes;
};

typedef enum {
  OP_ANY_EQ,
  OP_ALL_NE,
  OP_ALL_EQ,
  OP_ANY_NE,
  OP_GT,
  OP_GE,
  OP_LT,
  OP_LE,
  OP_CONTAINS,
  OP_MATCHES,
} CmpOp;

typedef enum {
  TEST_AND,
  TEST_OR,
  TEST_NOT,
  TEST_EXISTS,
  TEST_TRUTH,      /* "tcp.flags & 0x02" alone: any value non-zero */
  TEST_CMP,
  TEST_IN,
} TestKind;

typedef struct {
  FValue low, high;
  gboolean range;
  gboolean empty;   /* a bound without a value (see no_value): matches nothing */
} SetItem;

typedef struct _Test Test;
struct _Test {
  TestKind kind;
  CmpOp    op;
  Test    *a;          /* TEST_NOT */
  GPtrArray *operands; /* TEST_AND / TEST_OR: Test, two or more */
  Expr    *lhs, *rhs;
  GArray  *set;        /* SetItem */
  GPtrArray *set_exprs;
  GRegex  *regex;
};

struct _IotFilter {
  char        *text;
  Test        *root;
  IotFieldSet *fields;
  GPtrArray   *warnings;
  GPtrArray   *exprs;    /* every Expr, for freeing */
  GPtrArray   *tests;
  IotPacket   *pkt;      /* during evaluation */
};
/* ---- lexer ------------------------------------------------------------------ */

typedef enum {
  TOK_END,
  TOK_WORD,        /* bare word: field, literal, keyword, function */
  TOK_STRING,
  TOK_CHAR,
  TOK_LPAREN,
  TOK_RPAREN,
  TOK_LBRACE,
  TOK_RBRACE,
  TOK_SLICE,       /* "[...]" with its inside as text */
  TOK_COMMA,
  TOK_DOTDOT,
  TOK_OP,          /* comparison operator, value in op */
  TOK_AND,
  TOK_OR,
  TOK_NOT,
  TOK_BITAND,
  TOK_IN,
} TokKind;

typedef struct {
  TokKind kind;
  CmpOp   op;
  guint   start, length;
  char   *text;       /* words, strings (unescaped), slices */
  gsize   text_len;   /* strings may hold NULs */
  gboolean deprecated;
} Token;

/* How deep parentheses, function calls and slices may nest.  Far more
 * than any hand-written filter needs (tshark stops below 100 parentheses),
 * and shallow enough for the recursive passes to run on a small thread
 * stack. */
#define MAX_NESTING 256

typedef struct {
  const char       *src;
  guint             pos;
  GArray           *tokens;   /* Token */
  guint             next;     /* parser cursor */
  guint             depth;    /* current nesting while parsing */
  IotFilterProblem *problem;
  IotFilter        *filter;
} Parser;
typedef enum {
  NUMBER_OK,
  NUMBER_INVALID,
  NUMBER_OVERFLOW,   /* a number, but more than 64 bits */
} NumberParse;

/* Values (iot-filter.c). */
ValueClass        iot_filter_class_of_type (IotFieldType type);
gboolean          iot_filter_class_is_bytes_like (ValueClass cls);
int               iot_filter_compare_values (const FValue *a, const FValue *b);

/* Problems (iot-filter.c). */
char             *iot_filter_message_vprintf (const char *fmt, va_list ap) G_GNUC_PRINTF (1, 0);
IotFilterProblem *iot_filter_problem_new (guint start, guint length, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

/* Lexer and parser (iot-filter-parse.c). */
gboolean          iot_filter_lex (Parser *p);
Token            *iot_filter_peek (Parser *p);
void              iot_filter_unexpected (Parser *p, Token *tok);
NumberParse       iot_filter_parse_number (const char *text, gboolean *negative, guint64 *magnitude);
gboolean          iot_filter_parse_int64 (const char *text, gint64 *out);
Test             *iot_filter_parse_or (Parser *p);

/* Semantic check (iot-filter-check.c). */
gboolean          iot_filter_check_test (Parser *p, Test *t);

G_END_DECLS
