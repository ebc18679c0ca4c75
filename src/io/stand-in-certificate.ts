// A fixed self-signed pair, published on purpose: it only stands in for certificate files that
// do not exist where `check` runs, so `nginx -t` and `caddy validate` can load a config. Fixed
// rather than made per run, so check needs no openssl; it never serves traffic, and neither tool
// checks expiry or names when loading (valid until 2126 anyway).
export const STAND_IN_CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIBoDCCAUWgAwIBAgIUUGVV0brACh7VqAxW62e0qQl6lu8wCgYIKoZIzj0EAwIw
JDEiMCAGA1UEAwwZcHJveHlnZW4tc3RhbmQtaW4uaW52YWxpZDAgFw0yNjExMjMw
NjIyMjZaGA8yMTI2MTAzMDA2MjIyNlowJDEiMCAGA1UEAwwZcHJveHlnZW4tc3Rh
bmQtaW4uaW52YWxpZDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABH7JdEtq4kie
pWgBhekutUhj/skVj254F0EsqROdk2RLTji8opby3iwNnHIaMhUJ2vdIt+9SOuqo
hm5iXIXQshOjUzBRMB0GA1UdDgQWBBTADNzRiX+UFDtBLTGGXfP7tMs2wjAfBgNV
HSMEGDAWgBTADNzRiX+UFDtBLTGGXfP7tMs2wjAPBgNVHRMBAf8EBTADAQH/MAoG
CCqGSM49BAMCA0kAMEYCIQDwX8oVhsI6SRb8tbU65I5Re4nH0gkGPFkG+WLu2DwX
1gIhAO2U1gXeLJNUL4PTvAtpzJ5mgp9bUlEEiww6H5pAxZ08
-----END CERTIFICATE-----
`;

export const STAND_IN_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgIbq7a2z4PBepyX04
CSPsKRQSfjcxnX/xau7HIzNoIPehRANCAAR+yXRLauJInqVoAYXpLrVIY/7JFY9u
eBdBLKkTnZNkS044vKKW8t4sDZxyGjIVCdr3SLfvUjrqqIZuYlyF0LIT
-----END PRIVATE KEY-----
`;

// The RFC 7919 ffdhe2048 group, a public constant: stands in for a missing ssl_dhparam file.
export const STAND_IN_DHPARAM = `-----BEGIN DH PARAMETERS-----
MIIBCAKCAQEA//////////+t+FRYortKmq/cViAnPTzx2LnFg84tNpWp4TZBFGQz
+8yTnc4kmz75fS/jY2MMddj2gbICrsRhetPfHtXV/WVhJDP1H18GbtCFY2VVPe0a
87VXE15/V8k1mE8McODmi3fipona8+/och3xWKE2rec1MKzKT0g6eXq8CrGCsyT7
YdEIqUuyyOP7uWrat2DX9GgdT0Kj3jlN9K5W7edjcrsZCwenyO4KbXCeAvzhzffi
7MA0BM0oNC9hkXL+nOmFg/+OTxIy7vKBg8P+OxtMb61zO7X8vC7CIAXFjvGDfRaD
ssbzSibBsu/6iGtCOGEoXJf//////////wIBAg==
-----END DH PARAMETERS-----
`;

// An empty revocation list signed by the stand-in key (valid until 2126): stands in for ssl_crl.
export const STAND_IN_CRL = `-----BEGIN X509 CRL-----
MIG9MGUCAQEwCgYIKoZIzj0EAwIwJDEiMCAGA1UEAwwZcHJveHlnZW4tc3RhbmQt
aW4uaW52YWxpZBcNMjYxMjAzMTQyMjE5WhgPMjEyNjExMDkxNDIyMTlaoA4wDDAK
BgNVHRQEAwIBATAKBggqhkjOPQQDAgNIADBFAiEA1FRef7UOFjbdCpaN6BWh0gL3
yrnJZTiyBUKKz2adjucCIBOVRerYS7NABDpmQld0BV4EHoyEjQZhEZc82x3Rntev
-----END X509 CRL-----
`;
