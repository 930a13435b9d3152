/* iot-privileges.h — is this process more privileged than the user who
 * runs it?  GLib only.
 *
 * iotscope and iotscope-cli never need privileges: capturing is done by
 * iotscope-capture.  When they do run privileged (as root, set-user-ID or
 * set-group-ID, or with any capability), no plugin is loaded, because a
 * plugin is code the unprivileged user may have written; and, as tshark
 * does, they warn when run as root.
 *
 * Real root may knowingly accept both (test suites run as root):
 * IOTSCOPE_ALLOW_ROOT=1 silences the warning and lets plugins load — for
 * uid 0 only, never in a set-user-ID or file-capability process, whose
 * environment comes from a less privileged user.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when this process has rights its real user does not have by
 * itself, or is root; @why (optional) says which, e.g. "capabilities
 * cap_net_raw cap_net_admin". */
gboolean iot_privileges_elevated (char **why);
/* Whether plugins may be loaded here (see above). */
gboolean iot_privileges_allow_plugins (void);
/* tshark's warning when run as root: NULL when there is nothing to say.
 * @program names the program in the text. */
char    *iot_privileges_root_warning (const char *program);

G_END_DECLS
