/* dns.c — Domain Name System: questions about names ("what is the address
 * of sensor.iot.lan?") and the resource records that answer them.
 *
 * The message parser here is shared with multicast DNS (mdns.c), which
 * carries the same format on port 5353.  Requests and responses are paired
 * during the first pass, per conversation and transaction ID, the way
 * Wireshark does it, so that any frame later shows its partner.
 */
#include "dns.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <string.h>

enum {
  F_PROTO,
  F_LENGTH,
  F_ID,
  F_FLAGS,
  F_FLAGS_RESPONSE,
  F_FLAGS_OPCODE,
  F_FLAGS_AUTHORITATIVE,
  F_FLAGS_TRUNCATED,
  F_FLAGS_RECDESIRED,
  F_FLAGS_RECAVAIL,
  F_FLAGS_Z,
  F_FLAGS_AUTHENTICATED,
  F_FLAGS_CHECKDISABLE,
  F_FLAGS_RCODE,
  F_COUNT_QUERIES,
  F_COUNT_ANSWERS,
  F_COUNT_AUTH_RR,
  F_COUNT_ADD_RR,
  F_QRY_NAME,
  F_QRY_NAME_LEN,
  F_COUNT_LABELS,
  F_QRY_TYPE,
  F_QRY_CLASS,
  F_QRY_QU,
  F_RESP_NAME,
  F_RESP_TYPE,
  F_RESP_CLASS,
  F_RESP_CACHE_FLUSH,
  F_RESP_TTL,
  F_RESP_LEN,
  F_A,
  F_AAAA,
  F_CNAME,
  F_PTR,
  F_NS,
  F_TXT_LENGTH,
  F_TXT,
  F_SRV_SERVICE,
  F_SRV_PROTO,
  F_SRV_NAME,
  F_SRV_PRIORITY,
  F_SRV_WEIGHT,
  F_SRV_PORT,
  F_SRV_TARGET,
  F_MX_PREFERENCE,
  F_MX_EXCHANGE,
  F_SOA_MNAME,
  F_SOA_RNAME,
  F_SOA_SERIAL,
  F_SOA_REFRESH,
  F_SOA_RETRY,
  F_SOA_EXPIRE,
  F_SOA_MINIMUM,
  F_HINFO_CPU_LENGTH,
  F_HINFO_CPU,
  F_HINFO_OS_LENGTH,
  F_HINFO_OS,
  F_UDP_PAYLOAD_SIZE,
  F_EXT_RCODE,
  F_EDNS0_VERSION,
  F_RESP_Z,
  F_RESP_Z_DO,
  F_RESP_Z_RESERVED,
  F_OPT_CODE,
  F_OPT_LEN,
  F_OPT_DATA,
  F_OPT_COOKIE_CLIENT,
  F_OPT_COOKIE_SERVER,
  F_RESPONSE_IN,
  F_RESPONSE_TO,
  F_TIME,
  F_RETRANSMISSION,
  F_RETRANSMIT_REQUEST_IN,
  F_RETRANSMIT_RESPONSE_IN,
  F_UNSOLICITED,
  F_OPT,
  F_OPT_EDE_CODE,
  F_OPT_EDE_TEXT,
  N_FIELDS
};

#define FLAG_RESPONSE      0x8000
#define FLAG_AUTHENTICATED 0x0020
#define CLASS_TOP_BIT      0x8000

enum {
  T_A = 1, T_NS = 2, T_CNAME = 5, T_SOA = 6, T_PTR = 12, T_HINFO = 13, T_MX = 15,
  T_TXT = 16, T_AAAA = 28, T_SRV = 33, T_OPT = 41,
};

/* Record types: the short mnemonic (Info column) and what it stands for. */
typedef struct {
  guint16     type;
  const char *name;
  const char *meaning;
} RrType;

static const RrType rr_types[] = {
  { 1, "A", "Host Address" },
  { 2, "NS", "authoritative Name Server" },
  { 3, "MD", "Mail Destination" },
  { 4, "MF", "Mail Forwarder" },
  { 5, "CNAME", "Canonical NAME for an alias" },
  { 6, "SOA", "Start Of a zone of Authority" },
  { 7, "MB", "MailBox domain name" },
  { 8, "MG", "Mail Group member" },
  { 9, "MR", "Mail Rename domain name" },
  { 10, "NULL", "RR" },
  { 11, "WKS", "Well Known service Description" },
  { 12, "PTR", "domain name PoinTeR" },
  { 13, "HINFO", "host information" },
  { 14, "MINFO", "Mailbox or mail list information" },
  { 15, "MX", "Mail eXchange" },
  { 16, "TXT", "Text strings" },
  { 17, "RP", "Responsible Person" },
  { 18, "AFSDB", "AFS Data Base location" },
  { 24, "SIG", "security signature" },
  { 25, "KEY", "security key" },
  { 28, "AAAA", "IPv6 Address" },
  { 29, "LOC", "Location Information" },
  { 33, "SRV", "Server Selection" },
  { 35, "NAPTR", "Naming Authority PoinTeR" },
  { 39, "DNAME", "Non-Terminal DNS Name Redirection" },
  { 41, "OPT", "" },
  { 43, "DS", "Delegation Signer" },
  { 44, "SSHFP", "SSH Key Fingerprint" },
  { 46, "RRSIG", "Resource Record Signature" },
  { 47, "NSEC", "Next Secured" },
  { 48, "DNSKEY", "DNS Public Key" },
  { 50, "NSEC3", "Next Secured 3" },
  { 52, "TLSA", "TLSA" },
  { 64, "SVCB", "General-purpose service binding" },
  { 65, "HTTPS", "HTTPS-specific service binding" },
  { 99, "SPF", "SPF" },
  { 250, "TSIG", "Transaction Signature" },
  { 251, "IXFR", "incremental transfer" },
  { 252, "AXFR", "transfer of an entire zone" },
  { 255, "ANY", "A request for all records the server/cache has available" },
  { 256, "URI", "URI" },
  { 257, "CAA", "Certification Authority Restriction" },
};

static const IotValueName class_names[] = {
  { 1, "IN" }, { 3, "CH" }, { 4, "HS" }, { 254, "NONE" }, { 255, "ANY" },
  IOT_VALUE_NAMES_END
};

static const IotValueName opcode_names[] = {
  { 0, "Standard query" },
  { 1, "Inverse query" },
  { 2, "Server status request" },
  { 4, "Zone change notification" },
  { 5, "Dynamic update" },
  { 6, "DNS Stateful operations (DSO)" },
  IOT_VALUE_NAMES_END
};

static const IotValueName rcode_names[] = {
  { 0, "No error" },
  { 1, "Format error" },
  { 2, "Server failure" },
  { 3, "No such name" },
  { 4, "Not implemented" },
  { 5, "Refused" },
  { 6, "Name exists" },
  { 7, "RRset exists" },
  { 8, "RRset does not exist" },
  { 9, "Not authoritative" },
  { 10, "Name out of zone" },
  { 11, "DSO-Type not implemented" },
  IOT_VALUE_NAMES_END
};

/* RFC 8914, Extended DNS Errors. */
static const IotValueName ede_code_names[] = {
  { 0, "Other Error" },
  { 1, "Unsupported DNSKEY Algorithm" },
  { 2, "Unsupported DS Digest Type" },
  { 3, "Stale Answer" },
  { 4, "Forged Answer" },
  { 5, "DNSSEC Indeterminate" },
  { 6, "DNSSEC Bogus" },
  { 7, "Signature Expired" },
  { 8, "Signature Not Yet Valid" },
  { 9, "DNSKEY Missing" },
  { 10, "RRSIGs Missing" },
  { 11, "No Zone Key Bit Set" },
  { 12, "NSEC Missing" },
  { 13, "Cached Error" },
  { 14, "Not Ready" },
  { 15, "Blocked" },
  { 16, "Censored" },
  { 17, "Filtered" },
  { 18, "Prohibited" },
  { 19, "Stale NXDomain Answer" },
  { 20, "Not Authoritative" },
  { 21, "Not Supported" },
  { 22, "No Reachable Authority" },
  { 23, "Network Error" },
  { 24, "Invalid Data" },
  { 0, NULL }
};

static const IotValueName opt_code_names[] = {
  { 3, "NSID" },
  { 5, "DAU" },
  { 6, "DHU" },
  { 7, "N3U" },
  { 8, "CSUBNET - Client subnet" },
  { 9, "EDNS EXPIRE" },
  { 10, "COOKIE" },
  { 11, "EDNS TCP KEEPALIVE" },
  { 12, "PADDING" },
  { 13, "CHAIN" },
  { 14, "EDNS KEY TAG" },
  { 15, "Extended DNS Error" },
  IOT_VALUE_NAMES_END
};

enum {
  E_RETRANSMIT_REQUEST,
  E_RETRANSMIT_RESPONSE,
  E_COMPRESSION_LOOP,
  E_LABEL_TYPE,
  E_OPT_LENGTH,
  E_RDLENGTH,
  N_EXPERTS
};

static IotExpertInfo dns_experts[N_EXPERTS] = {
  [E_RETRANSMIT_REQUEST] = IOT_EXPERT_INFO ("dns.retransmit_request", IOT_SEV_WARN, IOT_GROUP_PROTOCOL, "DNS query retransmission",
                              "The same query (same id, name and type) was sent before: the client got no answer in time and asked again."),
  [E_RETRANSMIT_RESPONSE] = IOT_EXPERT_INFO ("dns.retransmit_response", IOT_SEV_WARN, IOT_GROUP_PROTOCOL, "DNS response retransmission",
                              "The same response was sent before."),
  [E_COMPRESSION_LOOP] = IOT_EXPERT_INFO ("dns.name.compression_loop", IOT_SEV_ERROR, IOT_GROUP_MALFORMED, "Name compression pointers loop",
                              "A name's compression pointers point back into themselves; the name has no end."),
  [E_LABEL_TYPE] = IOT_EXPERT_INFO ("dns.name.label_type_unsupported", IOT_SEV_ERROR, IOT_GROUP_MALFORMED, "Unsupported DNS label type",
                              "A name label starts with 01 or 10 in its top bits, which no DNS standard in use defines."),
  [E_OPT_LENGTH] = IOT_EXPERT_INFO ("dns.opt.length_overrun", IOT_SEV_ERROR, IOT_GROUP_MALFORMED, "Option length runs past the record",
                              "An EDNS option's length says more bytes than its OPT record holds."),
  [E_RDLENGTH] = IOT_EXPERT_INFO ("dns.rr.data_length_overrun", IOT_SEV_ERROR, IOT_GROUP_MALFORMED, "Record data length runs past the end of the message",
                              "A resource record's data length says more bytes than the message holds."),
};

static IotField dns_fields[N_FIELDS] = {
  [F_PROTO] = { "dns", "Domain Name System", IOT_FT_PROTOCOL, .blurb =
    "DNS: the Internet's phone book. A client asks for the records of a name; a server answers with them." },
  [F_LENGTH] = { "dns.length", "Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Over TCP every DNS message is preceded by its size in bytes, because TCP itself has no message boundaries." },
  [F_ID] = { "dns.id", "Transaction ID", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Number the client picks for a question; the answer repeats it so the client can pair them." },
  [F_FLAGS] = { "dns.flags", "Flags", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Sixteen bits saying whether this is a question or an answer and how it should be handled." },
  [F_FLAGS_RESPONSE] = { "dns.flags.response", "Response", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x8000,
    "Set in answers, clear in questions.", "Message is a response", "Message is a query", .bits = 16 },
  [F_FLAGS_OPCODE] = { "dns.flags.opcode", "Opcode", IOT_FT_UINT16, IOT_BASE_DEC, opcode_names, 0x7800,
    "Kind of request: 0 is an ordinary lookup; others are rare (notify, dynamic update …)." },
  [F_FLAGS_AUTHORITATIVE] = { "dns.flags.authoritative", "Authoritative", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0400,
    "Set when the answering server is in charge of the name, not merely repeating a cached answer.",
    "Server is an authority for domain", "Server is not an authority for domain", .bits = 16 },
  [F_FLAGS_TRUNCATED] = { "dns.flags.truncated", "Truncated", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0200,
    "Set when the answer did not fit in one UDP datagram; the client should ask again over TCP.",
    "Message is truncated", "Message is not truncated", .bits = 16 },
  [F_FLAGS_RECDESIRED] = { "dns.flags.recdesired", "Recursion desired", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0100,
    "Set by a client that wants the server to chase the answer through other servers for it.",
    "Do query recursively", "Don't do query recursively", .bits = 16 },
  [F_FLAGS_RECAVAIL] = { "dns.flags.recavail", "Recursion available", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0080,
    "Set by a server that is willing to look names up on a client's behalf.",
    "Server can do recursive queries", "Server can't do recursive queries", .bits = 16 },
  [F_FLAGS_Z] = { "dns.flags.z", "Z", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x0040,
    "A reserved bit that must be zero.", "reserved (1)", "reserved (0)", .bits = 16 },
  [F_FLAGS_AUTHENTICATED] = { "dns.flags.authenticated", "Answer authenticated", IOT_FT_BOOLEAN, IOT_BASE_NONE,
    NULL, 0x0020,
    "AD bit: in an answer, the server checked the DNSSEC signatures; in a question, the client wants to know.",
    "Answer/authority portion was authenticated by the server",
    "Answer/authority portion was not authenticated by the server", .bits = 16 },
  [F_FLAGS_CHECKDISABLE] = { "dns.flags.checkdisable", "Non-authenticated data", IOT_FT_BOOLEAN, IOT_BASE_NONE,
    NULL, 0x0010,
    "CD bit: the client accepts answers whose DNSSEC signatures were not checked.",
    "Acceptable", "Unacceptable", .bits = 16 },
  [F_FLAGS_RCODE] = { "dns.flags.rcode", "Reply code", IOT_FT_UINT16, IOT_BASE_DEC, rcode_names, 0x000f,
    "Outcome of the question: 0 no error, 3 no such name (NXDOMAIN), 5 refused …" },
  [F_COUNT_QUERIES] = { "dns.count.queries", "Questions", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "How many questions the message carries (almost always 1)." },
  [F_COUNT_ANSWERS] = { "dns.count.answers", "Answer RRs", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "How many records answer the question." },
  [F_COUNT_AUTH_RR] = { "dns.count.auth_rr", "Authority RRs", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "How many records name the servers in charge of the zone." },
  [F_COUNT_ADD_RR] = { "dns.count.add_rr", "Additional RRs", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "How many extra records follow (helpful addresses, or the EDNS0 OPT pseudo-record)." },
  [F_QRY_NAME] = { "dns.qry.name", "Name", IOT_FT_STRING, .blurb =
    "The name being asked about, e.g. sensor.iot.lan." },
  [F_QRY_NAME_LEN] = { "dns.qry.name.len", "Name Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Number of characters in the name asked about." },
  [F_COUNT_LABELS] = { "dns.count.labels", "Label Count", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Number of dot-separated parts in the name asked about." },
  [F_QRY_TYPE] = { "dns.qry.type", "Type", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Which kind of record is wanted: 1 A (IPv4 address), 28 AAAA (IPv6), 12 PTR, 33 SRV, 255 ANY …" },
  [F_QRY_CLASS] = { "dns.qry.class", "Class", IOT_FT_UINT16, IOT_BASE_HEX, class_names, 0,
    "Name space of the question; 1 (IN, the Internet) in practice. In multicast DNS the top bit is not part of it." },
  [F_QRY_QU] = { "dns.qry.qu", "\"QU\" question", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x8000,
    "Multicast DNS: set when the asker would like the answer sent straight to it rather than to the group.", .bits = 16 },
  [F_RESP_NAME] = { "dns.resp.name", "Name", IOT_FT_STRING, .blurb =
    "The name this record is about." },
  [F_RESP_TYPE] = { "dns.resp.type", "Type", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Kind of record: A, AAAA, CNAME, PTR, SRV, TXT, MX, NS, SOA, OPT …" },
  [F_RESP_CLASS] = { "dns.resp.class", "Class", IOT_FT_UINT16, IOT_BASE_HEX, class_names, 0,
    "Name space of the record; 1 (IN, the Internet) in practice. In multicast DNS the top bit is not part of it." },
  [F_RESP_CACHE_FLUSH] = { "dns.resp.cache_flush", "Cache flush", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x8000,
    "Multicast DNS: set when this record replaces every older record of the same name and type.",
    "True", "False", .bits = 16 },
  [F_RESP_TTL] = { "dns.resp.ttl", "Time to live", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Seconds the record may be kept in a cache before asking again." },
  [F_RESP_LEN] = { "dns.resp.len", "Data length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Size in bytes of the record's data part." },
  [F_A] = { "dns.a", "Address", IOT_FT_IPV4, .blurb =
    "IPv4 address of the name (A record)." },
  [F_AAAA] = { "dns.aaaa", "AAAA Address", IOT_FT_IPV6, .blurb =
    "IPv6 address of the name (AAAA record)." },
  [F_CNAME] = { "dns.cname", "CNAME", IOT_FT_STRING, .blurb =
    "The real (canonical) name this name is an alias of." },
  [F_PTR] = { "dns.ptr.domain_name", "Domain Name", IOT_FT_STRING, .blurb =
    "The name a PTR record points to, e.g. the host name behind a reverse-lookup address." },
  [F_NS] = { "dns.ns", "Name Server", IOT_FT_STRING, .blurb =
    "A server that holds the official records of the zone." },
  [F_TXT_LENGTH] = { "dns.txt.length", "TXT Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Length of the text string that follows." },
  [F_TXT] = { "dns.txt", "TXT", IOT_FT_STRING, .blurb =
    "Free text attached to a name; service discovery puts key=value settings here." },
  [F_SRV_SERVICE] = { "dns.srv.service", "Service", IOT_FT_STRING, .blurb =
    "First part of an SRV record's name: the service (or, in DNS-SD, the instance) offered." },
  [F_SRV_PROTO] = { "dns.srv.proto", "Protocol", IOT_FT_STRING, .blurb =
    "Second part of an SRV record's name, normally _tcp or _udp (or the service type in DNS-SD)." },
  [F_SRV_NAME] = { "dns.srv.name", "Name", IOT_FT_STRING, .blurb =
    "The rest of an SRV record's name: the domain the service lives in." },
  [F_SRV_PRIORITY] = { "dns.srv.priority", "Priority", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Clients try the target with the lowest priority first." },
  [F_SRV_WEIGHT] = { "dns.srv.weight", "Weight", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Among targets of equal priority, how much of the load this one should get." },
  [F_SRV_PORT] = { "dns.srv.port", "Port", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Port the service listens on." },
  [F_SRV_TARGET] = { "dns.srv.target", "Target", IOT_FT_STRING, .blurb =
    "Host that provides the service." },
  [F_MX_PREFERENCE] = { "dns.mx.preference", "Preference", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Mail servers with lower numbers are tried first." },
  [F_MX_EXCHANGE] = { "dns.mx.mail_exchange", "Mail Exchange", IOT_FT_STRING, .blurb =
    "Host that accepts e-mail for the domain." },
  [F_SOA_MNAME] = { "dns.soa.mname", "Primary name server", IOT_FT_STRING, .blurb =
    "The main server holding the zone's records." },
  [F_SOA_RNAME] = { "dns.soa.rname", "Responsible authority's mailbox", IOT_FT_STRING, .blurb =
    "E-mail address of the zone's administrator, with the @ written as a dot." },
  [F_SOA_SERIAL] = { "dns.soa.serial_number", "Serial Number", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Version of the zone; secondaries copy the zone again when it grows." },
  [F_SOA_REFRESH] = { "dns.soa.refresh_interval", "Refresh Interval", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Seconds between a secondary server's checks for a new version." },
  [F_SOA_RETRY] = { "dns.soa.retry_interval", "Retry Interval", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Seconds a secondary waits before retrying a failed check." },
  [F_SOA_EXPIRE] = { "dns.soa.expire_limit", "Expire limit", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "Seconds after which a secondary that cannot reach the primary stops answering for the zone." },
  [F_SOA_MINIMUM] = { "dns.soa.minimum_ttl", "Minimum TTL", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "How long resolvers may remember that a name does not exist." },
  [F_HINFO_CPU_LENGTH] = { "dns.hinfo.cpu_length", "CPU Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Length of the CPU text." },
  [F_HINFO_CPU] = { "dns.hinfo.cpu", "CPU", IOT_FT_STRING, .blurb =
    "Host information: the machine's processor type, as the host describes it." },
  [F_HINFO_OS_LENGTH] = { "dns.hinfo.os_length", "OS Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Length of the operating-system text." },
  [F_HINFO_OS] = { "dns.hinfo.os", "OS", IOT_FT_STRING, .blurb =
    "Host information: the machine's operating system." },
  /* Wireshark's field table calls this hex with a mask, yet tshark prints
   * the plain decimal size; we follow what it prints. */
  [F_UDP_PAYLOAD_SIZE] = { "dns.rr.udp_payload_size", "UDP payload size", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "EDNS0: largest UDP answer the sender can receive (512 bytes without EDNS0)." },
  [F_EXT_RCODE] = { "dns.resp.ext_rcode", "Higher bits in extended RCODE", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "EDNS0: upper bits that extend the 4-bit reply code." },
  [F_EDNS0_VERSION] = { "dns.resp.edns0_version", "EDNS0 version", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "EDNS0: version of the extension mechanism (0)." },
  [F_RESP_Z] = { "dns.resp.z", "Z", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "EDNS0: extended flags." },
  [F_RESP_Z_DO] = { "dns.resp.z.do", "DO bit", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x8000,
    "EDNS0: set when the sender wants DNSSEC signatures in the answer.",
    "Accepts DNSSEC security RRs", "Cannot handle DNSSEC security RRs", .bits = 16 },
  [F_RESP_Z_RESERVED] = { "dns.resp.z.reserved", "Reserved", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0x7fff,
    "EDNS0: unused flag bits, zero." },
  [F_OPT_CODE] = { "dns.opt.code", "Option Code", IOT_FT_UINT16, IOT_BASE_DEC, opt_code_names, 0,
    "EDNS0 option number: 10 cookie, 12 padding, 8 client subnet …" },
  [F_OPT_LEN] = { "dns.opt.len", "Option Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Size of the option's data in bytes." },
  [F_OPT_DATA] = { "dns.opt.data", "Option Data", IOT_FT_BYTES, .blurb =
    "The option's raw data." },
  [F_OPT_COOKIE_CLIENT] = { "dns.opt.cookie.client", "Client Cookie", IOT_FT_BYTES, .blurb =
    "EDNS0 cookie: 8 random bytes of the client, echoed by the server, against spoofed answers." },
  [F_OPT_COOKIE_SERVER] = { "dns.opt.cookie.server", "Server Cookie", IOT_FT_BYTES, .blurb =
    "EDNS0 cookie: the server's part (empty in a client's first query), which the client sends back next time." },
  [F_RESPONSE_IN] = { "dns.response_in", "Response In", IOT_FT_FRAMENUM, .blurb =
    "Frame that carries the answer to this question." },
  [F_RESPONSE_TO] = { "dns.response_to", "Request In", IOT_FT_FRAMENUM, .blurb =
    "Frame that carries the question this message answers." },
  [F_TIME] = { "dns.time", "Time", IOT_FT_RELATIVE_TIME, .blurb =
    "Seconds between the question and this answer: how long the server took." },
  [F_RETRANSMISSION] = { "dns.retransmission", "Retransmission", IOT_FT_BOOLEAN, .blurb =
    "This message repeats an earlier one with the same transaction ID.", "True", "False" },
  [F_RETRANSMIT_REQUEST_IN] = { "dns.retransmit_request_in", "Retransmitted request. Original request in",
    IOT_FT_FRAMENUM, .blurb = "Frame of the first copy of this question." },
  [F_RETRANSMIT_RESPONSE_IN] = { "dns.retransmit_response_in", "Retransmitted response. Original response in",
    IOT_FT_FRAMENUM, .blurb = "Frame of the first copy of this answer." },
  [F_UNSOLICITED] = { "dns.unsolicited", "Unsolicited", IOT_FT_BOOLEAN, .blurb =
    "An answer with no question seen before it (normal for multicast DNS announcements).", "True", "False" },
  [F_OPT] = { "dns.opt", "Option", IOT_FT_NONE, .blurb =
    "One EDNS0 option of the OPT pseudo-record: a code, a length and its data." },
  [F_OPT_EDE_CODE] = { "dns.opt.ext_error.info_code", "Info Code", IOT_FT_UINT16, IOT_BASE_DEC, ede_code_names, 0,
    "Extended DNS Error (RFC 8914): why the server answered as it did, e.g. 17 when a filter blocked the name." },
  [F_OPT_EDE_TEXT] = { "dns.opt.ext_error.extra_text", "Extra Text", IOT_FT_STRING, .blurb =
    "Extended DNS Error: the server's own words about the error, for people." },
};

/* ---- request/response matching ------------------------------------------ */

typedef struct {
  guint32 req_frame;
  guint32 rep_frame;
  gint64  req_time;
} DnsTrans;

/* The key of a transaction: the conversation (the same in both
 * directions), the transport and the ID.  Compared as bytes, so it is
 * zeroed before it is filled. */
typedef struct {
  IotConvKey conv;
  guint16    id;
  guint8     tcp;
} DnsKey;

typedef struct {
  /* DnsKey -> GArray of DnsTrans in request-frame order */
  GHashTable *trans;
} DnsState;

static guint
dns_key_hash (gconstpointer p)
{
  const DnsKey *k = p;

  return iot_conv_key_hash (&k->conv) ^ (k->id * 2654435761u) ^ k->tcp;
}

static gboolean
dns_key_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, sizeof (DnsKey)) == 0;
}

static void
trans_array_free (gpointer p)
{
  g_array_unref (p);
}

static gpointer
dns_state_new (void)
{
  DnsState *st = g_new0 (DnsState, 1);

  st->trans = g_hash_table_new_full (dns_key_hash, dns_key_equal, g_free, trans_array_free);
  return st;
}

static void
dns_state_free (gpointer p)
{
  DnsState *st = p;

  g_hash_table_destroy (st->trans);
  g_free (st);
}

/* Built in binary, without formatting: every DNS message looks its
 * transaction up. */
static void
trans_key (IotPacket *pkt, gboolean tcp, guint16 id, DnsKey *key)
{
  memset (key, 0, sizeof *key);
  iot_conv_key_from_packet (&key->conv, pkt);
  key->id = id;
  key->tcp = tcp ? 1 : 0;
}

/* The transaction with this ID whose request is the latest at or before
 * @frame, or NULL. */
static DnsTrans *
trans_lookup (GArray *list, guint32 frame)
{
  if (list == NULL)
    return NULL;
  for (guint i = list->len; i > 0; i--)
    {
      DnsTrans *t = &g_array_index (list, DnsTrans, i - 1);

      if (t->req_frame <= frame)
        return t;
    }
  return NULL;
}

/* Retransmitted requests within this many seconds count as one. */
#define RETRANSMISSION_NS (G_GINT64_CONSTANT (5) * 1000000000)

static void
record_message (IotPacket *pkt, DnsState *st, const DnsKey *key, gboolean response)
{
  guint32 frame = iot_packet_frame_number (pkt);
  GArray *list = g_hash_table_lookup (st->trans, key);
  DnsTrans *t = trans_lookup (list, frame);

  if (!response)
    {
      DnsTrans fresh = { frame, 0, iot_packet_time_ns (pkt) };

      if (t != NULL && t->rep_frame == 0 && fresh.req_time - t->req_time < RETRANSMISSION_NS)
        return;   /* a retransmission of t: no new transaction */
      if (list == NULL)
        {
          list = g_array_new (FALSE, FALSE, sizeof (DnsTrans));
          g_hash_table_insert (st->trans, g_memdup2 (key, sizeof *key), list);
        }
      g_array_append_val (list, fresh);
    }
  else if (t != NULL && t->rep_frame == 0)
    t->rep_frame = frame;
}

static void
add_generated_frame (IotPacket *pkt, int tree, int field, guint32 frame)
{
  int node = iot_tree_add_uint (pkt, tree, &dns_fields[field], NULL, 0, 0, frame);

  iot_tree_set_generated (pkt, node);
}

/* What the pairing says, in the message's record: the same facts the
 * generated rows below show. */
static void
note_match (IotTapDns *rec, const DnsTrans *t, guint32 frame, gint64 now_ns, gboolean response)
{
  if (rec == NULL || rec->cut)
    return;
  rec->paired = TRUE;
  if (!response)
    {
      if (t != NULL && t->req_frame != frame)
        {
          rec->retransmission = TRUE;
          rec->original = t->req_frame;
        }
      else if (t != NULL && t->rep_frame != 0)
        rec->response_in = t->rep_frame;
      return;
    }
  if (t == NULL || t->rep_frame == 0)
    {
      rec->unsolicited = TRUE;
      return;
    }
  if (t->rep_frame != frame)
    {
      rec->retransmission = TRUE;
      rec->original = t->rep_frame;
    }
  rec->request_in = t->req_frame;
  rec->time_ns = now_ns - t->req_time;
}

static void
add_match (IotPacket *pkt, int tree, gboolean tcp, guint16 id, gboolean response, IotTapDns *rec)
{
  DnsState *st = iot_packet_state (pkt, &iot_dissector_dns);
  guint32 frame = iot_packet_frame_number (pkt);
  DnsTrans *t;
  DnsKey key;
  int node;

  /* A copy an ICMP error quotes is neither a query nor an answer of its
   * own: it takes no part in the pairing, so a quoted response finds no
   * query and is unsolicited (as in tshark). */
  if (iot_packet_in_error (pkt))
    {
      note_match (rec, NULL, frame, iot_packet_time_ns (pkt), response);
      if (response)
        {
          node = iot_tree_add_boolean (pkt, tree, &dns_fields[F_UNSOLICITED], NULL, 0, 0, TRUE);
          iot_tree_set_generated (pkt, node);
        }
      return;
    }
  trans_key (pkt, tcp, id, &key);
  if (iot_packet_first_pass (pkt))
    record_message (pkt, st, &key, response);
  t = trans_lookup (g_hash_table_lookup (st->trans, &key), frame);
  note_match (rec, t, frame, iot_packet_time_ns (pkt), response);

  if (!response)
    {
      if (t != NULL && t->req_frame != frame)
        {
          iot_expert_add_info (pkt, tree, &dns_experts[E_RETRANSMIT_REQUEST], "DNS query retransmission. Original request in frame %u", t->req_frame);
          add_generated_frame (pkt, tree, F_RETRANSMIT_REQUEST_IN, t->req_frame);
          node = iot_tree_add_boolean (pkt, tree, &dns_fields[F_RETRANSMISSION], NULL, 0, 0, TRUE);
          iot_tree_set_generated (pkt, node);
        }
      else if (t != NULL && t->rep_frame != 0)
        add_generated_frame (pkt, tree, F_RESPONSE_IN, t->rep_frame);
      return;
    }

  if (t == NULL || t->rep_frame == 0)
    {
      node = iot_tree_add_boolean (pkt, tree, &dns_fields[F_UNSOLICITED], NULL, 0, 0, TRUE);
      iot_tree_set_generated (pkt, node);
      return;
    }
  if (t->rep_frame != frame)
    {
      iot_expert_add_info (pkt, tree, &dns_experts[E_RETRANSMIT_RESPONSE], "DNS response retransmission. Original response in frame %u", t->rep_frame);
      add_generated_frame (pkt, tree, F_RETRANSMIT_RESPONSE_IN, t->rep_frame);
      node = iot_tree_add_boolean (pkt, tree, &dns_fields[F_RETRANSMISSION], NULL, 0, 0, TRUE);
      iot_tree_set_generated (pkt, node);
    }
  add_generated_frame (pkt, tree, F_RESPONSE_TO, t->req_frame);
  node = iot_tree_add_time (pkt, tree, &dns_fields[F_TIME], NULL, 0, 0,
                            iot_packet_time_ns (pkt) - t->req_time);
  iot_tree_set_generated (pkt, node);
}

/* ---- names ------------------------------------------------------------------ */

#define MAX_NAME_TEXT 1024
#define MAX_POINTER_HOPS 255

typedef struct {
  const char *text;      /* "<Root>" for the root */
  guint       text_len;
  guint       raw_len;   /* the name's length before escaping (tshark's dns.qry.name.len) */
  guint       wire_len;  /* bytes the name takes where it starts */
  guint       labels;    /* as tshark counts them: a '.' inside a label counts too */
} DnsName;

/* Reads the (possibly compressed) name at @off of the message @msg.  A
 * pointer loop or too many pointers is reported and ends the layer as
 * malformed; the name never grows past MAX_NAME_TEXT. */
static void
read_name (IotPacket *pkt, const IotBuf *msg, guint off, int tree, DnsName *out)
{
  char text[MAX_NAME_TEXT + 1];
  guint text_len = 0, pos = off, hops = 0;
  gboolean jumped = FALSE;

  out->labels = 0;
  out->raw_len = 0;
  out->wire_len = 0;
  for (;;)
    {
      guint8 len = iot_buf_u8 (msg, pos);

      if (len == 0)
        {
          if (!jumped)
            out->wire_len = pos + 1 - off;
          break;
        }
      if ((len & 0xc0) == 0xc0)
        {
          guint target = iot_buf_u16 (msg, pos) & 0x3fff;

          if (!jumped)
            out->wire_len = pos + 2 - off;
          jumped = TRUE;
          if (++hops > MAX_POINTER_HOPS || target == pos)
            {
              iot_expert_add_info (pkt, tree, &dns_experts[E_COMPRESSION_LOOP], "Name compression pointers loop (more than %u hops)", MAX_POINTER_HOPS);
              iot_malformed (pkt, "DNS name compression loop");
            }
          pos = target;
          continue;
        }
      if ((len & 0xc0) != 0)
        {
          iot_expert_add_info (pkt, tree, &dns_experts[E_LABEL_TYPE], "Unsupported DNS label type 0x%02x", len & 0xc0);
          iot_malformed (pkt, "DNS label type");
        }
      {
        const guint8 *label = iot_buf_ptr (msg, pos + 1, len);
        /* As tshark: each label as format_text shows it (\022, \n, U+FFFD
         * …), so the name is one line of valid UTF-8 wherever it goes. */
        const char *shown = iot_packet_format_text (pkt, label, len);
        gsize shown_len = strlen (shown);

        if (text_len + shown_len + 1 <= MAX_NAME_TEXT)
          {
            if (text_len > 0)
              text[text_len++] = '.';
            memcpy (text + text_len, shown, shown_len);
            text_len += shown_len;
            out->raw_len += (out->raw_len > 0 ? 1 : 0) + len;
            for (guint i = 0; i < len; i++)
              out->labels += label[i] == '.';
          }
      }
      out->labels++;
      pos += 1 + len;
    }
  if (text_len == 0)
    {
      strcpy (text, "<Root>");
      text_len = 6;
      out->raw_len = 6;
    }
  out->text = iot_packet_strndup (pkt, text, text_len);
  out->text_len = text_len;
}

/* Reads a name inside record data and adds it as @field. */
static const char *
add_name_field (IotPacket *pkt, int tree, const IotBuf *msg, guint off, int field, guint *wire_len)
{
  DnsName name;

  read_name (pkt, msg, off, tree, &name);
  iot_tree_add_string (pkt, tree, &dns_fields[field], msg, off, name.wire_len, name.text, name.text_len);
  if (wire_len)
    *wire_len = name.wire_len;
  return name.text;
}

/* ---- helpers for labels ------------------------------------------------------ */

static const RrType *
find_type (guint16 type)
{
  for (guint i = 0; i < G_N_ELEMENTS (rr_types); i++)
    if (rr_types[i].type == type)
      return &rr_types[i];
  return NULL;
}

static const char *
type_name (IotPacket *pkt, guint16 type)
{
  const RrType *t = find_type (type);

  return t ? t->name : iot_packet_strdup_printf (pkt, "Unknown (%u)", type);
}

static void
label_type (IotPacket *pkt, int node, guint16 type)
{
  const RrType *t = find_type (type);

  if (t == NULL)
    iot_tree_set_label (pkt, node, "Type: Unknown (%u)", type);
  else if (t->meaning[0] == '\0')
    iot_tree_set_label (pkt, node, "Type: %s (%u)", t->name, type);
  else
    iot_tree_set_label (pkt, node, "Type: %s (%s) (%u)", t->name, t->meaning, type);
}

static const char *
class_name (guint16 cls)
{
  const char *name = iot_value_name (class_names, cls);

  return name ? name : "Unknown";
}

/* "1 hour, 15 minutes" for a number of seconds. */
static void
append_duration (GString *out, guint32 secs)
{
  static const struct { guint32 size; const char *unit; } units[] = {
    { 86400, "day" }, { 3600, "hour" }, { 60, "minute" }, { 1, "second" },
  };
  gboolean any = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      guint32 n = secs / units[i].size;

      secs %= units[i].size;
      if (n == 0)
        continue;
      g_string_append_printf (out, "%s%u %s%s", any ? ", " : "", n, units[i].unit, n == 1 ? "" : "s");
      any = TRUE;
    }
  if (!any)
    g_string_append (out, "0 seconds");
}

static void
add_seconds (IotPacket *pkt, int tree, const IotBuf *msg, guint off, int field)
{
  guint32 secs = iot_buf_u32 (msg, off);
  int node = iot_tree_add_item (pkt, tree, &dns_fields[field], msg, off, 4, FALSE);
  GString *label = g_string_new (NULL);

  g_string_append_printf (label, "%s: %u (", dns_fields[field].name, secs);
  append_duration (label, secs);
  g_string_append_c (label, ')');
  iot_tree_set_label (pkt, node, "%s", label->str);
  g_string_free (label, TRUE);
}

/* ---- record data --------------------------------------------------------- */

/* Text built while reading, kept in packet scratch memory so that a read
 * past the bytes (which unwinds the layer) leaks nothing. */
typedef struct {
  IotPacket *pkt;
  char      *str;
} Text;

static void text_append (Text *text, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
text_append (Text *text, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *more = NULL;

  va_start (ap, fmt);
  more = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  text->str = iot_packet_strdup_printf (text->pkt, "%s%s", text->str ? text->str : "", more);
}

typedef struct {
  Text *info;          /* Info column text for the record */
  Text  summary;       /* tree row text after "name: type X, class Y" */
  IotTapDns *rec;      /* the message's record, NULL: none */
} RrText;

static void
add_character_string (IotPacket *pkt, int tree, const IotBuf *msg, guint off,
                      int len_field, int text_field, const char **text)
{
  guint8 len = iot_buf_u8 (msg, off);
  const guint8 *p = iot_buf_ptr (msg, off + 1, len);

  iot_tree_add_item (pkt, tree, &dns_fields[len_field], msg, off, 1, FALSE);
  iot_tree_add_ascii_string (pkt, tree, &dns_fields[text_field], msg, off + 1, len, (const char *) p, len);
  if (text)
    *text = iot_packet_strndup (pkt, (const char *) p, len);
}

static void
dissect_opt_options (IotPacket *pkt, int tree, const IotBuf *msg, guint off, guint end, IotTapDns *rec)
{
  while (off + 4 <= end)
    {
      guint16 code = iot_buf_u16 (msg, off), len = iot_buf_u16 (msg, off + 2);
      const char *name = iot_value_name (opt_code_names, code);
      int opt;

      /* The option's row reads all its bytes: where they were not all
       * captured, a tree ends the layer here, before the pairing, even
       * when this dissection makes no row. */
      if (rec != NULL && !iot_buf_has (msg, off, 4 + len))
        rec->cut = TRUE;
      opt = iot_tree_add_item (pkt, tree, &dns_fields[F_OPT], msg, off, 4 + len, FALSE);

      iot_tree_set_label (pkt, opt, "Option: %s", name ? name : "Unknown");

      iot_tree_add_item (pkt, opt, &dns_fields[F_OPT_CODE], msg, off, 2, FALSE);
      iot_tree_add_item (pkt, opt, &dns_fields[F_OPT_LEN], msg, off + 2, 2, FALSE);
      if (off + 4 + len > end)
        {
          iot_expert_add_info (pkt, opt, &dns_experts[E_OPT_LENGTH], "Option length %u runs past the record", len);
          return;
        }
      if (len > 0)
        {
          iot_tree_add_item (pkt, opt, &dns_fields[F_OPT_DATA], msg, off + 4, len, FALSE);
          if (code == 10 && len >= 8)
            {
              iot_tree_add_item (pkt, opt, &dns_fields[F_OPT_COOKIE_CLIENT], msg, off + 4, 8, FALSE);
              iot_tree_add_item (pkt, opt, &dns_fields[F_OPT_COOKIE_SERVER], msg, off + 12, len - 8, FALSE);
            }
          if (code == 15 && len >= 2)
            {
              iot_tree_add_item (pkt, opt, &dns_fields[F_OPT_EDE_CODE], msg, off + 4, 2, FALSE);
              if (len > 2)
                iot_tree_add_item (pkt, opt, &dns_fields[F_OPT_EDE_TEXT], msg, off + 6, len - 2, FALSE);
            }
        }
      off += 4 + len;
    }
}

static void
dissect_rdata (IotPacket *pkt, int tree, const IotBuf *msg, guint off, guint16 type, guint16 len, RrText *text)
{
  guint end = off + len;
  const char *name;

  switch (type)
    {
    case T_A:
      if (len != 4)
        break;
      {
        const guint8 *a = iot_buf_ptr (msg, off, 4);

        iot_tree_add_ipv4 (pkt, tree, &dns_fields[F_A], msg, off, a);
        text_append (text->info, " %u.%u.%u.%u", a[0], a[1], a[2], a[3]);
        text_append (&text->summary, ", addr %u.%u.%u.%u", a[0], a[1], a[2], a[3]);
      }
      break;
    case T_AAAA:
      if (len != 16)
        break;
      {
        const guint8 *a = iot_buf_ptr (msg, off, 16);
        char addr[INET6_ADDRSTRLEN];

        iot_tree_add_ipv6 (pkt, tree, &dns_fields[F_AAAA], msg, off, a);
        if (inet_ntop (AF_INET6, a, addr, sizeof addr) == NULL)
          addr[0] = '\0';
        text_append (text->info, " %s", addr);
        text_append (&text->summary, ", addr %s", addr);
      }
      break;
    case T_NS:
      name = add_name_field (pkt, tree, msg, off, F_NS, NULL);
      text_append (text->info, " %s", name);
      text_append (&text->summary, ", ns %s", name);
      break;
    case T_CNAME:
      name = add_name_field (pkt, tree, msg, off, F_CNAME, NULL);
      text_append (text->info, " %s", name);
      text_append (&text->summary, ", cname %s", name);
      break;
    case T_PTR:
      name = add_name_field (pkt, tree, msg, off, F_PTR, NULL);
      text_append (text->info, " %s", name);
      text_append (&text->summary, ", %s", name);
      break;
    case T_SOA:
      {
        guint used;

        name = add_name_field (pkt, tree, msg, off, F_SOA_MNAME, &used);
        off += used;
        add_name_field (pkt, tree, msg, off, F_SOA_RNAME, &used);
        off += used;
        iot_tree_add_item (pkt, tree, &dns_fields[F_SOA_SERIAL], msg, off, 4, FALSE);
        add_seconds (pkt, tree, msg, off + 4, F_SOA_REFRESH);
        add_seconds (pkt, tree, msg, off + 8, F_SOA_RETRY);
        add_seconds (pkt, tree, msg, off + 12, F_SOA_EXPIRE);
        add_seconds (pkt, tree, msg, off + 16, F_SOA_MINIMUM);
        text_append (text->info, " %s", name);
        text_append (&text->summary, ", mname %s", name);
      }
      break;
    case T_MX:
      {
        guint16 pref = iot_buf_u16 (msg, off);

        iot_tree_add_item (pkt, tree, &dns_fields[F_MX_PREFERENCE], msg, off, 2, FALSE);
        name = add_name_field (pkt, tree, msg, off + 2, F_MX_EXCHANGE, NULL);
        text_append (text->info, " %u %s", pref, name);
        text_append (&text->summary, ", preference %u, mx %s", pref, name);
      }
      break;
    case T_SRV:
      {
        guint16 prio = iot_buf_u16 (msg, off), weight = iot_buf_u16 (msg, off + 2);
        guint16 port = iot_buf_u16 (msg, off + 4);

        iot_tree_add_item (pkt, tree, &dns_fields[F_SRV_PRIORITY], msg, off, 2, FALSE);
        iot_tree_add_item (pkt, tree, &dns_fields[F_SRV_WEIGHT], msg, off + 2, 2, FALSE);
        iot_tree_add_item (pkt, tree, &dns_fields[F_SRV_PORT], msg, off + 4, 2, FALSE);
        name = add_name_field (pkt, tree, msg, off + 6, F_SRV_TARGET, NULL);
        text_append (text->info, " %u %u %u %s", prio, weight, port, name);
        text_append (&text->summary, ", priority %u, weight %u, port %u, target %s",
                                prio, weight, port, name);
      }
      break;
    case T_TXT:
      while (off < end)
        {
          guint8 n = iot_buf_u8 (msg, off);

          add_character_string (pkt, tree, msg, off, F_TXT_LENGTH, F_TXT, NULL);
          off += 1 + n;
        }
      break;
    case T_HINFO:
      {
        const char *cpu, *os;
        guint8 n = iot_buf_u8 (msg, off);

        add_character_string (pkt, tree, msg, off, F_HINFO_CPU_LENGTH, F_HINFO_CPU, &cpu);
        add_character_string (pkt, tree, msg, off + 1 + n, F_HINFO_OS_LENGTH, F_HINFO_OS, &os);
        text_append (text->info, " %s %s", cpu, os);
        text_append (&text->summary, ", cpu %s, os %s", cpu, os);
      }
      break;
    case T_OPT:
      dissect_opt_options (pkt, tree, msg, off, end, text->rec);
      break;
    default:
      if (len > 0)
        iot_tree_add_text (pkt, tree, msg, off, len, "Data (%u bytes)", len);
      break;
    }
}

/* ---- questions and records ------------------------------------------------ */

/* The first question read goes into the message's record, with the
 * rows the tree makes for it. */
static void
note_question (IotTapDns *rec, const DnsName *name, guint16 type, guint16 cls)
{
  if (rec == NULL || rec->qname != NULL)
    return;
  rec->qname = name->text;
  rec->qname_len = (guint16) name->raw_len;
  rec->qlabels = (guint16) name->labels;
  rec->qtype = type;
  rec->qclass = cls;
}

static guint
dissect_question (IotPacket *pkt, int parent, const IotBuf *msg, guint off, gboolean is_mdns, Text *info,
                  IotTapDns *rec)
{
  DnsName name;
  guint16 type, cls;
  int tree, node;

  read_name (pkt, msg, off, parent, &name);
  type = iot_buf_u16 (msg, off + name.wire_len);
  cls = iot_buf_u16 (msg, off + name.wire_len + 2);
  note_question (rec, &name, type, is_mdns ? cls & 0x7fff : cls);
  tree = iot_tree_add_text (pkt, parent, msg, off, name.wire_len + 4, "%s: type %s, class %s",
                            name.text, type_name (pkt, type), class_name (cls & (is_mdns ? 0x7fff : 0xffff)));
  iot_tree_add_string (pkt, tree, &dns_fields[F_QRY_NAME], msg, off, name.wire_len, name.text, name.text_len);
  node = iot_tree_add_uint (pkt, tree, &dns_fields[F_QRY_NAME_LEN], msg, off, name.wire_len, name.raw_len);
  iot_tree_set_generated (pkt, node);
  node = iot_tree_add_uint (pkt, tree, &dns_fields[F_COUNT_LABELS], msg, off, name.wire_len, name.labels);
  iot_tree_set_generated (pkt, node);
  off += name.wire_len;
  node = iot_tree_add_item (pkt, tree, &dns_fields[F_QRY_TYPE], msg, off, 2, FALSE);
  label_type (pkt, node, type);
  /* Multicast DNS borrows the class's top bit (RFC 6762 §5.4). */
  iot_tree_add_uint (pkt, tree, &dns_fields[F_QRY_CLASS], msg, off + 2, 2, is_mdns ? cls & 0x7fff : cls);
  if (is_mdns)
    iot_tree_add_item (pkt, tree, &dns_fields[F_QRY_QU], msg, off + 2, 2, FALSE);

  text_append (info, " %s %s", type_name (pkt, type), name.text);
  if (is_mdns)
    text_append (info, "%s", cls & CLASS_TOP_BIT ? ", \"QU\" question" : ", \"QM\" question");
  return name.wire_len + 4;
}

static guint
dissect_record (IotPacket *pkt, int parent, const IotBuf *msg, guint off, gboolean is_mdns, Text *info,
                IotTapDns *rec)
{
  DnsName name;
  guint16 type, cls, len;
  guint start = off;
  int tree, node;
  RrText text;

  read_name (pkt, msg, off, parent, &name);
  type = iot_buf_u16 (msg, off + name.wire_len);
  cls = iot_buf_u16 (msg, off + name.wire_len + 2);
  len = iot_buf_u16 (msg, off + name.wire_len + 8);
  if (type == T_OPT)
    tree = iot_tree_add_text (pkt, parent, msg, off, name.wire_len + 10 + len, "%s: type OPT", name.text);
  else
    tree = iot_tree_add_text (pkt, parent, msg, off, name.wire_len + 10 + len, "%s: type %s, class %s",
                              name.text, type_name (pkt, type),
                              class_name (cls & (is_mdns ? 0x7fff : 0xffff)));

  if (type == T_SRV)
    {
      /* Service records name "_service._proto.domain": shown split. */
      g_auto (GStrv) parts = g_strsplit (name.text, ".", 3);

      iot_tree_add_string (pkt, tree, &dns_fields[F_SRV_SERVICE], msg, off, name.wire_len, parts[0], -1);
      if (parts[0] && parts[1])
        {
          iot_tree_add_string (pkt, tree, &dns_fields[F_SRV_PROTO], msg, off, name.wire_len, parts[1], -1);
          if (parts[2])
            iot_tree_add_string (pkt, tree, &dns_fields[F_SRV_NAME], msg, off, name.wire_len, parts[2], -1);
        }
    }
  else
    iot_tree_add_string (pkt, tree, &dns_fields[F_RESP_NAME], msg, off, name.wire_len, name.text, name.text_len);
  off += name.wire_len;
  node = iot_tree_add_item (pkt, tree, &dns_fields[F_RESP_TYPE], msg, off, 2, FALSE);
  label_type (pkt, node, type);
  off += 2;

  if (type == T_OPT)
    {
      iot_tree_add_item (pkt, tree, &dns_fields[F_UDP_PAYLOAD_SIZE], msg, off, 2, FALSE);
      iot_tree_add_item (pkt, tree, &dns_fields[F_EXT_RCODE], msg, off + 2, 1, FALSE);
      iot_tree_add_item (pkt, tree, &dns_fields[F_EDNS0_VERSION], msg, off + 3, 1, FALSE);
      node = iot_tree_add_item (pkt, tree, &dns_fields[F_RESP_Z], msg, off + 4, 2, FALSE);
      iot_tree_add_item (pkt, node, &dns_fields[F_RESP_Z_DO], msg, off + 4, 2, FALSE);
      iot_tree_add_item (pkt, node, &dns_fields[F_RESP_Z_RESERVED], msg, off + 4, 2, FALSE);
    }
  else
    {
      /* Multicast DNS borrows the class's top bit (RFC 6762 §10.2). */
      iot_tree_add_uint (pkt, tree, &dns_fields[F_RESP_CLASS], msg, off, 2, is_mdns ? cls & 0x7fff : cls);
      if (is_mdns)
        iot_tree_add_item (pkt, tree, &dns_fields[F_RESP_CACHE_FLUSH], msg, off, 2, FALSE);
      add_seconds (pkt, tree, msg, off + 2, F_RESP_TTL);
    }
  off += 6;
  iot_tree_add_item (pkt, tree, &dns_fields[F_RESP_LEN], msg, off, 2, FALSE);
  off += 2;

  text_append (info, " %s", type_name (pkt, type));
  if (is_mdns && type != T_OPT && (cls & CLASS_TOP_BIT))
    text_append (info, ", cache flush");
  text.info = info;
  text.rec = rec;
  text.summary.pkt = pkt;
  text.summary.str = NULL;
  if (off + len > msg->reported)
    {
      iot_expert_add_info (pkt, tree, &dns_experts[E_RDLENGTH], "Record data length %u runs past the end of the message", len);
      iot_malformed (pkt, "DNS record data length");
    }
  dissect_rdata (pkt, tree, msg, off, type, len, &text);
  /* -N d: the capture's own answers name addresses. */
  if ((type == T_A && len == 4) || (type == T_AAAA && len == 16))
    iot_resolve_learn_host (iot_buf_ptr (msg, off, len), len, name.text);
  if (text.summary.str != NULL)
    iot_tree_append_label (pkt, tree, "%s", text.summary.str);
  return off + len - start;
}

/* ---- the message ---------------------------------------------------------- */

/* The message's record, queued where its layer starts: what comes after
 * the header is filled in as it is read. */
static IotTapDns *
open_record (IotPacket *pkt, gboolean is_mdns, gboolean tcp, guint32 length, guint16 id, guint16 flags)
{
  IotTapDns rec = { 0 };

  rec.mdns = is_mdns;
  rec.in_error = iot_packet_in_error (pkt);
  rec.tcp = tcp;
  rec.length = length;
  rec.id = id;
  rec.flags = flags;
  rec.response = (flags & FLAG_RESPONSE) != 0;
  rec.opcode = (flags >> 11) & 0xf;
  rec.rcode = rec.response ? (gint8) (flags & 0xf) : -1;
  rec.time_ns = -1;
  return iot_tap_queue_open (pkt, IOT_TAP_DNS, &rec);
}

static int
dissect_message (IotPacket *pkt, IotBuf *buf, int parent, const IotField *proto_field,
                 gboolean is_mdns, gboolean tcp)
{
  guint base = tcp ? 2 : 0, off;
  IotBuf msg;
  guint16 id, flags, counts[4];
  gboolean response;
  const char *opcode_name, *rcode_name;
  int tree, node, flags_tree;
  Text info = { pkt, NULL };
  IotTapDns *rec = NULL;
  static const char *const sections[4] = { "Queries", "Answers", "Authoritative nameservers",
                                           "Additional records" };
  static const int count_fields[4] = { F_COUNT_QUERIES, F_COUNT_ANSWERS, F_COUNT_AUTH_RR, F_COUNT_ADD_RR };

  msg = iot_buf_sub (buf, base, tcp ? (gint) iot_buf_u16 (buf, 0) : -1);
  id = iot_buf_u16 (&msg, 0);
  flags = iot_buf_u16 (&msg, 2);
  response = (flags & FLAG_RESPONSE) != 0;
  opcode_name = iot_value_name (opcode_names, (flags >> 11) & 0xf);
  if (opcode_name == NULL)
    opcode_name = iot_packet_strdup_printf (pkt, "Unknown operation (%u)", (flags >> 11) & 0xf);
  rcode_name = iot_value_name (rcode_names, flags & 0xf);
  if (rcode_name == NULL)
    rcode_name = iot_packet_strdup_printf (pkt, "Unknown error (%u)", flags & 0xf);

  if (iot_tap_wanted (pkt, IOT_TAP_DNS))
    rec = open_record (pkt, is_mdns, tcp, base + msg.reported, id, flags);
  tree = iot_tree_add_protocol (pkt, parent, proto_field, buf, 0, (gint) (base + msg.reported));
  iot_tree_set_label (pkt, tree, "%s (%s)", proto_field->name, response ? "response" : "query");
  if (tcp)
    iot_tree_add_item (pkt, tree, &dns_fields[F_LENGTH], buf, 0, 2, FALSE);
  iot_tree_add_item (pkt, tree, &dns_fields[F_ID], &msg, 0, 2, FALSE);

  text_append (&info, "%s%s 0x%04x", opcode_name, response ? " response" : "", id);
  if (response && (flags & 0xf) != 0)
    text_append (&info, " %s", rcode_name);

  flags_tree = iot_tree_add_item (pkt, tree, &dns_fields[F_FLAGS], &msg, 2, 2, FALSE);
  if (response)
    iot_tree_append_label (pkt, flags_tree, " %s response, %s", opcode_name, rcode_name);
  else
    iot_tree_append_label (pkt, flags_tree, " %s", opcode_name);
  iot_tree_add_item (pkt, flags_tree, &dns_fields[F_FLAGS_RESPONSE], &msg, 2, 2, FALSE);
  iot_tree_add_item (pkt, flags_tree, &dns_fields[F_FLAGS_OPCODE], &msg, 2, 2, FALSE);
  if (response)
    iot_tree_add_item (pkt, flags_tree, &dns_fields[F_FLAGS_AUTHORITATIVE], &msg, 2, 2, FALSE);
  iot_tree_add_item (pkt, flags_tree, &dns_fields[F_FLAGS_TRUNCATED], &msg, 2, 2, FALSE);
  iot_tree_add_item (pkt, flags_tree, &dns_fields[F_FLAGS_RECDESIRED], &msg, 2, 2, FALSE);
  if (response)
    iot_tree_add_item (pkt, flags_tree, &dns_fields[F_FLAGS_RECAVAIL], &msg, 2, 2, FALSE);
  iot_tree_add_item (pkt, flags_tree, &dns_fields[F_FLAGS_Z], &msg, 2, 2, FALSE);
  /* In a question the AD bit only appears when set (RFC 6840 §5.7). */
  if (response || (flags & FLAG_AUTHENTICATED))
    {
      node = iot_tree_add_item (pkt, flags_tree, &dns_fields[F_FLAGS_AUTHENTICATED], &msg, 2, 2, FALSE);
      if (!response)
        iot_tree_set_label (pkt, node, ".... .... ..1. .... = AD bit: Set");
    }
  iot_tree_add_item (pkt, flags_tree, &dns_fields[F_FLAGS_CHECKDISABLE], &msg, 2, 2, FALSE);
  if (response)
    iot_tree_add_item (pkt, flags_tree, &dns_fields[F_FLAGS_RCODE], &msg, 2, 2, FALSE);

  for (guint i = 0; i < 4; i++)
    {
      counts[i] = iot_buf_u16 (&msg, 4 + 2 * i);
      if (rec != NULL)
        {
          rec->counts[i] = counts[i];
          rec->n_counts = (guint8) (i + 1);
        }
      iot_tree_add_item (pkt, tree, &dns_fields[count_fields[i]], &msg, 4 + 2 * i, 2, FALSE);
    }

  /* The columns are set before the sections so that a message cut short
   * still says what it is. */
  iot_col_set_info (pkt, info.str);
  off = 12;
  for (guint s = 0; s < 4; s++)
    {
      guint start = off;
      int section;

      if (counts[s] == 0)
        continue;
      section = iot_tree_add_text (pkt, tree, &msg, off, 0, "%s", sections[s]);
      for (guint i = 0; i < counts[s]; i++)
        {
          if (s == 0)
            off += dissect_question (pkt, section, &msg, off, is_mdns, &info, rec);
          else
            off += dissect_record (pkt, section, &msg, off, is_mdns, &info, rec);
          iot_col_set_info (pkt, info.str);
        }
      iot_tree_set_length (pkt, section, off - start);
    }
  add_match (pkt, tree, tcp, id, response, rec);
  return (int) (base + msg.reported);
}

int
iot_dns_dissect_message (IotPacket *pkt, IotBuf *buf, int parent, const IotField *proto_field,
                         gboolean is_mdns)
{
  return dissect_message (pkt, buf, parent, proto_field, is_mdns, FALSE);
}

/* Whether the message came over UDP rather than TCP (DNS is registered on
 * both).  The dissector API does not say which transport called us, so we
 * look at the 8 bytes in front of the payload, which lie in the same data
 * source (a sub-view shares its parent's bytes): a UDP header there names
 * our two ports and a length of exactly the payload plus 8.  A TCP header
 * matches that only by a coincidence of four 16-bit values. */
static gboolean
over_udp (IotPacket *pkt, const IotBuf *buf)
{
  const guint8 *h;
  guint16 sport, dport;

  /* Nothing in front: a buffer TCP rebuilt from several segments. */
  if (buf->origin < 8)
    return buf->source == 0;
  h = buf->data - 8;
  iot_packet_get_ports (pkt, &sport, &dport);
  return (guint16) (h[0] << 8 | h[1]) == sport && (guint16) (h[2] << 8 | h[3]) == dport
         && (guint32) (h[4] << 8 | h[5]) == buf->reported + 8;
}

static int
dissect_dns (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint off = 0;

  iot_col_set_protocol (pkt, "DNS");
  if (over_udp (pkt, buf))
    return dissect_message (pkt, buf, parent, &dns_fields[F_PROTO], FALSE, FALSE);

  /* Over TCP: messages, each preceded by a 2-byte length. */
  while (iot_buf_reported_remaining (buf, off) > 0)
    {
      guint len;

      if (iot_buf_reported_remaining (buf, off) < 2)
        {
          iot_packet_request_more (pkt, buf, off, 2 - iot_buf_reported_remaining (buf, off));
          return off;
        }
      len = iot_buf_u16 (buf, off);
      if (iot_buf_reported_remaining (buf, off) < 2 + len)
        {
          iot_packet_request_more (pkt, buf, off, 2 + len - iot_buf_reported_remaining (buf, off));
          return off;
        }
      {
        IotBuf one = iot_buf_sub (buf, off, 2 + len);

        off += dissect_message (pkt, &one, parent, &dns_fields[F_PROTO], FALSE, TRUE);
      }
    }
  return off;
}

IotDissector iot_dissector_dns = {
  .name = "DNS",
  .abbrev = "dns",
  .long_name = "Domain Name System",
  .fields = dns_fields,
  .n_fields = N_FIELDS,
  .experts = dns_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_dns,
  .handoff = { { "udp.port", 53 }, { "tcp.port", 53 } },
  .state_new = dns_state_new,
  .state_free = dns_state_free,
};
