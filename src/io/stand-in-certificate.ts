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
