/* Bare libpcap read of a capture file: the floor for any tool that reads
 * frames through libpcap.  Loops pcap_next_ex() and counts frames and bytes. */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    char err[PCAP_ERRBUF_SIZE];
    struct pcap_pkthdr *h;
    const u_char *data;
    unsigned long long frames = 0, bytes = 0;
    unsigned sum = 0;
    pcap_t *p;
    int rc;

    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    p = pcap_open_offline(argv[1], err);
    if (!p) {
        fprintf(stderr, "%s: %s\n", argv[1], err);
        return 1;
    }
    while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
        frames++;
        bytes += h->caplen;
        if (h->caplen)
            sum += data[h->caplen - 1];   /* touch the data */
    }
    if (rc == PCAP_ERROR) {
        fprintf(stderr, "%s: %s\n", argv[1], pcap_geterr(p));
        pcap_close(p);
        return 1;
    }
    printf("%llu frames, %llu bytes (%u)\n", frames, bytes, sum);
    pcap_close(p);
    return 0;
}
