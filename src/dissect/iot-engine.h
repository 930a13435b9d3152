/* iot-engine.h — dissection of a capture: the first pass and random access.
 * GLib only.
 */
#pragma once

#include <gio/gio.h>

#include "iot-file.h"
#include "iot-packet.h"
#include "iot-registry.h"

G_BEGIN_DECLS

typedef struct _IotEngine IotEngine;

IotEngine   *iot_engine_new (IotFile *file);
void         iot_engine_free (IotEngine *engine);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotEngine, iot_engine_free)

IotFile     *iot_engine_file (IotEngine *engine);

/* Dissects every frame not yet seen, in order, recording what random
 * access needs later.  Returns FALSE if cancelled. */
gboolean     iot_engine_first_pass (IotEngine *engine, GCancellable *cancellable);
/* The same for frames up to @upto (1-based, inclusive).  Safe to run in a
 * worker thread while other threads call iot_engine_dissect() on frames
 * already passed, each with its own IotPacket. */
gboolean     iot_engine_first_pass_upto (IotEngine *engine, guint32 upto, GCancellable *cancellable);
guint32      iot_engine_n_passed (IotEngine *engine);

/* Hands every frame of the first pass to @func right after its
 * dissection, in frame order, with the tap records @taps asks for
 * (IOT_DISSECT_TAP bits only: the pass still makes no tree).  Before the
 * pass has started; FALSE afterwards.  @func runs on the pass's thread. */
typedef void (*IotFirstPassFunc) (IotPacket *pkt, gpointer user_data);
gboolean     iot_engine_set_first_pass_listener (IotEngine *engine, IotDissectFlags taps,
                                                 IotFirstPassFunc func, gpointer user_data);

/* Wanted fields for a dissection: a bitset over field ids, or NULL for
 * "only what the flags ask for".  Built with iot_field_set_*(). */
typedef struct _IotFieldSet IotFieldSet;
/* The first pass's listener also reads @fields (not owned; it must
 * outlive the pass): the pass builds their rows, and only theirs.  For
 * fields whose value the first pass already knows (not a response_in or
 * another later frame's fact).  Before the pass has started; FALSE
 * afterwards. */
gboolean     iot_engine_set_first_pass_fields (IotEngine *engine, const IotFieldSet *fields);
/* Keeps, for each frame of the first pass, one bit: whether a layer that
 * makes rows of @fields was in it (see iot_field_set_carriers()).  A
 * frame without one cannot have any of them, so a filter that needs one
 * of @fields (iot_filter_needed_fields()) cannot match it, and the frame
 * need not be dissected again to learn so.  Before the pass has started;
 * FALSE afterwards, or when the layers of some field are not known. */
gboolean     iot_engine_keep_frame_marks (IotEngine *engine, const IotFieldSet *fields);
/* FALSE for a frame the first pass covered and found without any layer
 * of those fields; TRUE otherwise (also without marks kept).  Once the
 * pass has covered the frame, from any thread that does not run the
 * pass at the same time. */
gboolean     iot_engine_frame_marked (IotEngine *engine, guint32 number);
IotFieldSet *iot_field_set_new (void);
void         iot_field_set_free (IotFieldSet *set);
void         iot_field_set_add (IotFieldSet *set, const IotField *field);
/* Adds each of @fields[0..n) that is not NULL (a field a look-up by name
 * did not find, e.g. of a protocol left out of this build). */
void         iot_field_set_add_each (IotFieldSet *set, const IotField *const *fields, guint n);
gboolean     iot_field_set_contains (const IotFieldSet *set, const IotField *field);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotFieldSet, iot_field_set_free)

typedef struct {
  IotDissectFlags    flags;
  const IotFieldSet *fields;          /* may be NULL */
  guint32            prev_displayed;  /* for frame.time_delta_displayed; 0 = none */
  guint32            time_ref;        /* reference frame for frame.time_relative; 0 = first */
  const char        *time_column;     /* _ws.col.Time as -t formats it; NULL = seconds since the first frame */
  /* Nothing but @fields is read (no flags, no tap records): the layers
   * that neither carry one of them nor may call one that does are left
   * out.  @fields must not change while frames are dissected with it. */
  gboolean           only_fields;
} IotDissectOptions;

/* Re-dissects one frame (1-based) into @pkt, independent of which frames
 * were dissected before.  The first pass must have covered the frame. */
void         iot_engine_dissect (IotEngine *engine, IotPacket *pkt, guint32 number,
                                 const IotDissectOptions *options);

G_END_DECLS
