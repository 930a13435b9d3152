/* iot-file-guard.c — surviving a capture file truncated under its mapping.
 *
 * Why a handler that patches the mapping, rather than the alternatives:
 * frame bytes are read straight from the mapping by many readers on many
 * threads (the first pass, the CLI's parallel print pass, the window's row,
 * tree and hex views, export, follow, reassembly across frames).
 *  - Copying every frame with pread() would put a system call and a copy
 *    on the path of every dissection, and change every reader.
 *  - sigsetjmp() around each reader would have to unwind dissectors, locks
 *    and allocations mid-way, and costs a setjmp per frame.
 *  - Checking the size with fstat() before each read (~0.4 µs) still
 *    leaves a window between the check and the read.
 * Instead the handler makes the faulting read succeed: it maps zero pages
 * over the rest of the mapping (a fault there proves those pages are past
 * the end of the file) and records how far the file still reaches.  No
 * reader is interrupted, nothing is unwound, and reading costs nothing
 * more while the file stays whole.  The frame store compares each frame's
 * end with that record (and, for the last page, with fstat) to say which
 * frames are lost.
 *
 * The handler only uses what is safe in a signal handler on Linux:
 * lock-free atomics, fstat() and mmap() (a plain system call there).  A
 * fault outside our mappings goes to the handler installed before ours,
 * or to the default action (the usual crash) if there was none.
 */
#include "iot-file-guard.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct _IotFileGuard {
  int              fd;
  _Atomic guint64  gone_from;
};

/* Mappings watched at once: a few per open file (a growing file keeps
 * every mapping it outgrew).  Slots are claimed with a compare-and-swap;
 * the handler reads them without a lock. */
#define N_SLOTS 1024

typedef struct {
  _Atomic uintptr_t       base;     /* 0: free */
  _Atomic gsize           length;
  _Atomic (IotFileGuard *) guard;
} Slot;

static Slot slots[N_SLOTS];
static struct sigaction previous_action;
static gsize page_size;

static void
lower_gone_from (IotFileGuard *guard, guint64 offset)
{
  guint64 seen = atomic_load (&guard->gone_from);

  while (offset < seen && !atomic_compare_exchange_weak (&guard->gone_from, &seen, offset))
    ;
}

/* The page at @addr (inside @slot's mapping) is past the end of the file:
 * everything after it is too.  Replace those pages by zero pages. */
static gboolean
cut_mapping (Slot *slot, uintptr_t base, uintptr_t addr)
{
  IotFileGuard *guard = atomic_load (&slot->guard);
  gsize length = atomic_load (&slot->length);
  uintptr_t page = addr & ~(uintptr_t) (page_size - 1);
  guint64 gone = page - base;
  struct stat st;

  if (fstat (guard->fd, &st) == 0 && (guint64) st.st_size < gone)
    gone = (guint64) st.st_size;
  lower_gone_from (guard, gone);
  return mmap ((void *) page, base + length - page, PROT_READ,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED;
}

static void
forward (int sig, siginfo_t *info, void *context)
{
  if (previous_action.sa_flags & SA_SIGINFO)
    {
      if (previous_action.sa_sigaction != NULL)
        {
          previous_action.sa_sigaction (sig, info, context);
          return;
        }
    }
  else if (previous_action.sa_handler != SIG_DFL && previous_action.sa_handler != SIG_IGN)
    {
      previous_action.sa_handler (sig);
      return;
    }
  /* No one else wants it: returning re-runs the faulting instruction,
   * which now takes the default action (terminate, with a core). */
  signal (sig, SIG_DFL);
}

static void
on_sigbus (int sig, siginfo_t *info, void *context)
{
  uintptr_t addr = (uintptr_t) info->si_addr;
  int saved_errno = errno;

  for (guint i = 0; i < N_SLOTS; i++)
    {
      uintptr_t base = atomic_load (&slots[i].base);

      if (base != 0 && addr >= base && addr - base < atomic_load (&slots[i].length))
        {
          gboolean cut = cut_mapping (&slots[i], base, addr);

          errno = saved_errno;
          if (cut)
            return;
          break;
        }
    }
  errno = saved_errno;
  forward (sig, info, context);
}

static gpointer
install_handler (gpointer data)
{
  struct sigaction action;

  page_size = (gsize) sysconf (_SC_PAGESIZE);
  memset (&action, 0, sizeof action);
  action.sa_sigaction = on_sigbus;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset (&action.sa_mask);
  sigaction (SIGBUS, &action, &previous_action);
  return NULL;
}

static void
ensure_handler (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, install_handler, NULL);
}

gsize
iot_file_guard_page_size (void)
{
  ensure_handler ();
  return page_size;
}

IotFileGuard *
iot_file_guard_new (int fd)
{
  IotFileGuard *guard = g_new0 (IotFileGuard, 1);

  ensure_handler ();
  guard->fd = fd;
  atomic_init (&guard->gone_from, G_MAXUINT64);
  return guard;
}

void
iot_file_guard_free (IotFileGuard *guard)
{
  g_free (guard);
}

gboolean
iot_file_guard_watch (IotFileGuard *guard, const void *base, gsize length)
{
  for (guint i = 0; i < N_SLOTS; i++)
    {
      uintptr_t expected = 0;

      if (atomic_load (&slots[i].base) != 0)
        continue;
      /* Claim the slot with a base no mapping has, fill it, publish it. */
      if (!atomic_compare_exchange_strong (&slots[i].base, &expected, UINTPTR_MAX))
        continue;
      atomic_store (&slots[i].length, length);
      atomic_store (&slots[i].guard, guard);
      atomic_store (&slots[i].base, (uintptr_t) base);
      return TRUE;
    }
  return FALSE;
}

void
iot_file_guard_unwatch (const void *base)
{
  for (guint i = 0; i < N_SLOTS; i++)
    if (atomic_load (&slots[i].base) == (uintptr_t) base)
      {
        atomic_store (&slots[i].base, 0);
        return;
      }
}

guint64
iot_file_guard_gone_from (IotFileGuard *guard)
{
  return atomic_load (&guard->gone_from);
}

guint64
iot_file_guard_check (IotFileGuard *guard, guint64 needed)
{
  struct stat st;

  if (fstat (guard->fd, &st) < 0)
    return G_MAXUINT64;
  if ((guint64) st.st_size < needed)
    lower_gone_from (guard, (guint64) st.st_size);
  return (guint64) st.st_size;
}
