/* iot-find.h — "Find Packet": what one frame is searched for (a display
 * filter, hex bytes, a string or a regular expression) and where (the
 * packet list's texts, the tree's labels, the bytes).  GLib only.
 *
 * A finder is not thread-safe (a compiled filter is not): each thread
 * searching makes its own from the same text.
 */
#pragma once

#include "iot-engine.h"

G_BEGIN_DECLS

typedef enum {
  IOT_FIND_FILTER,
  IOT_FIND_HEX,
  IOT_FIND_STRING,
  IOT_FIND_REGEX,
} IotFindMode;

typedef enum {
  IOT_FIND_IN_LIST,    /* Source, Destination, Protocol, Info, No., Length */
  IOT_FIND_IN_TREE,    /* every shown label of the protocol tree */
  IOT_FIND_IN_BYTES,   /* the captured bytes */
} IotFindScope;

#define IOT_FIND_ERROR (iot_find_error_quark ())
GQuark iot_find_error_quark (void);

typedef struct _IotFinder IotFinder;

/* Checks @text for @mode; NULL with @error (IOT_FIND_ERROR, code 0) when it
 * is not valid: the message says what and at which column (counting
 * characters from 1), and @column (may be NULL) receives it. */
IotFinder *iot_finder_new (IotFindMode mode, IotFindScope scope, const char *text,
                           gboolean case_sensitive, guint *column, GError **error);
void       iot_finder_free (IotFinder *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotFinder, iot_finder_free)


/* Searches frames @numbers in the order given (a search from the selected
 * row on, wrapping round) and stops at the first that matches: @found is
 * its index in @numbers, -1 when none does.  FALSE with @error only when
 * @cancellable was cancelled. */
gboolean   iot_finder_find (IotFinder *self, IotEngine *engine, const guint32 *numbers, guint n,
                            GCancellable *cancellable, gint64 *found, GError **error);

/* Hex bytes as users type them: "de ad be ef", "deadbeef", "de:ad:be:ef"
 * or "de-ad"; NULL with @error (and the column of the first wrong
 * character) otherwise. */
GBytes    *iot_find_parse_hex (const char *text, guint *column, GError **error);

G_END_DECLS
