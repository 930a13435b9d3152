/* udp-burst.c — a bounded loopback UDP burst for capture-burst.sh:
 *     udp-burst PORT COUNT SIZE [RATE]
 * sends COUNT datagrams of SIZE bytes (each starting with its 32-bit
 * sequence number) to 127.0.0.1:PORT as fast as the kernel takes them, or
 * RATE per second when RATE is given, and prints "sent SECONDS". */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  struct sockaddr_in to = { .sin_family = AF_INET };
  struct timespec t0, t1;
  unsigned char buf[65536] = { 0 };
  unsigned long count, sent = 0;
  double rate;
  size_t size;
  int fd;

  if (argc != 4 && argc != 5)
    {
      fprintf (stderr, "usage: udp-burst PORT COUNT SIZE [RATE]\n");
      return 2;
    }
  to.sin_port = htons ((unsigned short) atoi (argv[1]));
  to.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  count = strtoul (argv[2], NULL, 10);
  size = (size_t) atoi (argv[3]);
  rate = argc == 5 ? strtod (argv[4], NULL) : 0;
  if (size < 4 || size > sizeof buf)
    size = 64;
  fd = socket (AF_INET, SOCK_DGRAM, 0);
  clock_gettime (CLOCK_MONOTONIC, &t0);
  for (unsigned long i = 0; i < count; i++)
    {
      unsigned int seq = htonl ((unsigned int) i);

      memcpy (buf, &seq, 4);
      if (sendto (fd, buf, size, 0, (struct sockaddr *) &to, sizeof to) == (ssize_t) size)
        sent++;
      /* Paced: every 20 datagrams, wait until the schedule catches up. */
      if (rate > 0 && i % 20 == 19)
        {
          struct timespec now;
          double due = (i + 1) / rate, elapsed;

          clock_gettime (CLOCK_MONOTONIC, &now);
          elapsed = (double) (now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9;
          if (due > elapsed)
            usleep ((useconds_t) ((due - elapsed) * 1e6));
        }
    }
  clock_gettime (CLOCK_MONOTONIC, &t1);
  printf ("%lu %.3f\n", sent, (double) (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
  close (fd);
  return 0;
}
