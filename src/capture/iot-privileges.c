/* iot-privileges.c — see the header. */
#include "iot-privileges.h"

#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Names of the capabilities a capture would use, and a few others worth
 * naming; the rest are counted. */
static const struct { int bit; const char *name; } known_caps[] = {
  { CAP_NET_RAW, "cap_net_raw" },
  { CAP_NET_ADMIN, "cap_net_admin" },
  { CAP_SYS_ADMIN, "cap_sys_admin" },
  { CAP_DAC_OVERRIDE, "cap_dac_override" },
  { CAP_SETUID, "cap_setuid" },
};

/* Effective | permitted capabilities, 64 bits. */
static guint64
held_capabilities (void)
{
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { { 0 } };

  if (syscall (SYS_capget, &header, data) != 0)
    return 0;
  return ((guint64) (data[1].effective | data[1].permitted) << 32) | (data[0].effective | data[0].permitted);
}

static gboolean
changed_identity (void)
{
  return getauxval (AT_SECURE) != 0 || getuid () != geteuid () || getgid () != getegid ();
}

gboolean
iot_privileges_elevated (char **why)
{
  guint64 caps = held_capabilities ();
  g_autoptr (GString) text = g_string_new (NULL);

  if (geteuid () == 0)
    g_string_append (text, "root");
  else if (getuid () != geteuid () || getgid () != getegid ())
    g_string_append (text, "set-user-ID or set-group-ID");
  if (caps != 0 && geteuid () != 0)
    {
      guint named = 0;

      g_string_append (text, text->len > 0 ? ", capabilities" : "capabilities");
      for (guint i = 0; i < G_N_ELEMENTS (known_caps); i++)
        if (caps & (G_GUINT64_CONSTANT (1) << known_caps[i].bit))
          {
            g_string_append_printf (text, " %s", known_caps[i].name);
            named++;
          }
      if (named < (guint) __builtin_popcountll (caps))
        g_string_append_printf (text, " (%d in all)", __builtin_popcountll (caps));
    }
  if (text->len == 0 && changed_identity ())
    g_string_append (text, "privileges gained at exec (secure mode)");
  if (why != NULL)
    *why = text->len > 0 ? g_strdup (text->str) : NULL;
  return text->len > 0;
}

static gboolean
root_accepted (void)
{
  return getuid () == 0 && geteuid () == 0 && !changed_identity ()
         && g_strcmp0 (g_getenv ("IOTSCOPE_ALLOW_ROOT"), "1") == 0;
}

gboolean
iot_privileges_allow_plugins (void)
{
  return !iot_privileges_elevated (NULL) || root_accepted ();
}

char *
iot_privileges_root_warning (const char *program)
{
  struct passwd *user;
  struct group *group;

  if (geteuid () != 0 || root_accepted ())
    return NULL;
  user = getpwuid (geteuid ());
  group = getgrgid (getegid ());
  return g_strdup_printf ("%s is running as user \"%s\" and group \"%s\": a bug in a dissector or a damaged "
                          "capture could then harm the system. Capturing does not need root: \"make caps\" "
                          "lets iotscope-capture alone capture. Plugins are not loaded as root.",
                          program, user ? user->pw_name : "root", group ? group->gr_name : "root");
}
