/* hostile-plugin.c — a "plugin" an unprivileged user could drop into
 * ~/.local/share/iotscope/plugins (or $IOTSCOPE_PLUGIN_PATH) to steal the
 * capture capabilities of whatever process loads it.  Its constructor
 * runs at load time, before the loader looks at any symbol, and writes to
 * $HOSTILE_PLUGIN_MARKER what it could do:
 *
 *     uid=N euid=N capeff=HEX packet_socket=ok|ERRNO netns=ok|ERRNO
 *
 * test-capture-privilege.sh asserts that whoever loads it has no
 * capability: capeff=0000000000000000, packet_socket and netns refused. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void
effective_caps (char *out, size_t size)
{
  FILE *status = fopen ("/proc/self/status", "r");
  char line[256];

  snprintf (out, size, "unknown");
  while (status != NULL && fgets (line, sizeof line, status) != NULL)
    if (strncmp (line, "CapEff:\t", 8) == 0)
      {
        snprintf (out, size, "%.*s", (int) strcspn (line + 8, "\n"), line + 8);
        break;
      }
  if (status != NULL)
    fclose (status);
}

__attribute__ ((constructor)) static void
try_the_capabilities (void)
{
  const char *marker = getenv ("HOSTILE_PLUGIN_MARKER");
  char caps[64];
  const char *socket_result = "ok";
  const char *netns_result = "ok";
  FILE *out;
  int fd;

  if (marker == NULL)
    return;
  effective_caps (caps, sizeof caps);
  fd = socket (AF_PACKET, SOCK_RAW, htons (ETH_P_ALL));
  if (fd < 0)
    socket_result = strerrorname_np (errno);
  else
    close (fd);
  /* A new network namespace needs cap_sys_admin; a child keeps ours
   * untouched. */
  if (fork () == 0)
    _exit (unshare (CLONE_NEWNET) == 0 ? 0 : errno);
  {
    int status = 0;

    wait (&status);
    if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
      netns_result = WIFEXITED (status) ? strerrorname_np (WEXITSTATUS (status)) : "killed";
  }
  out = fopen (marker, "a");
  if (out == NULL)
    return;
  fprintf (out, "uid=%d euid=%d capeff=%s packet_socket=%s netns=%s\n", (int) getuid (), (int) geteuid (), caps,
           socket_result, netns_result);
  fclose (out);
}
