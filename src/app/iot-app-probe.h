/* iot-app-probe.h — --measure's watch on the main loop: a 10 ms tick
 * whose late arrivals are the loop's gaps (with how much of each the
 * main thread ran, and how much it waited for a CPU), and when the first
 * rows of a loading capture were painted. */
#pragma once

#include "iot-window.h"

G_BEGIN_DECLS

typedef struct _IotAppProbe IotAppProbe;

IotAppProbe *iot_app_probe_new (void);
void         iot_app_probe_free (IotAppProbe *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotAppProbe, iot_app_probe_free)

/* Measures again from now, as @window starts opening a capture (or
 * capturing).  IOTSCOPE_MEASURE_VERBOSE=MS prints every gap longer than
 * MS (1 or empty: 50). */
void         iot_app_probe_start (IotAppProbe *self, IotWindow *window);
/* Stops the tick. */
void         iot_app_probe_stop (IotAppProbe *self);
/* Milliseconds from the start to the first paint with rows; -1 when none. */
double       iot_app_probe_first_rows_ms (IotAppProbe *self);
/* The worst gap and how often the loop was held up, as --measure prints them. */
void         iot_app_probe_print_gaps (IotAppProbe *self);
/* The end of a phase of a scripted run ("loading", "filtering" …): prints
 * its worst gap and the most the main thread ran in one gap, then the
 * next phase starts counting. */
void         iot_app_probe_end_phase (IotAppProbe *self, const char *phase);
/* The scheduler statistics (/proc/PID/schedstat: run and wait times) of
 * the X server of $DISPLAY (":N"), whose lock file /tmp/.XN-lock holds
 * its process id: an open descriptor, or -1 when there is none to be read
 * (Wayland, a remote X). */
int          iot_app_probe_open_x_server_stat (void);

G_END_DECLS
