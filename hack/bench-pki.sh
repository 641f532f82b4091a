# Sourced by the data-plane benchmarks: make_pki writes a throwaway PKI into $WORK/pki.
# Root (CA, pathLen 1) -> intermediate (CA, pathLen 0) -> leaves with one URI SAN
# spiffe://bench.local/ns/bench/sa/{a,b}, digitalSignature, serverAuth+clientAuth; P-256 keys
# as PKCS#8; tls.crt = leaf + intermediate; ca.crt = root.

make_pki() {
  local dir=$WORK/pki sa
  cat >"$dir/ext.cnf" <<'EOF'
[root]
basicConstraints=critical,CA:true,pathlen:1
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
[intermediate]
basicConstraints=critical,CA:true,pathlen:0
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
[leaf]
basicConstraints=critical,CA:false
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth,clientAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
subjectAltName=critical,${ENV::SAN}
EOF
  key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
  (
    cd "$dir"
    export SAN=URI:spiffe://bench.local/ns/bench/sa/none
    key root.key
    openssl req -new -key root.key -subj "/O=bench.local/CN=Bench Root CA" -out root.csr
    openssl x509 -req -in root.csr -signkey root.key -days 2 -sha256 -extfile ext.cnf \
      -extensions root -out ca.crt
    key int.key
    openssl req -new -key int.key -subj "/O=bench.local/CN=Bench Issuer" -out int.csr
    openssl x509 -req -in int.csr -CA ca.crt -CAkey root.key -CAcreateserial -days 2 -sha256 \
      -extfile ext.cnf -extensions intermediate -out int.crt
    for sa in a b; do
      key "$sa.key"
      openssl req -new -key "$sa.key" -subj "/O=bench.local/CN=$sa" -out "$sa.csr"
      SAN=URI:spiffe://bench.local/ns/bench/sa/$sa openssl x509 -req -in "$sa.csr" -CA int.crt \
        -CAkey int.key -CAcreateserial -days 1 -sha256 -extfile ext.cnf -extensions leaf \
        -out "$sa.leaf.crt"
      openssl verify -CAfile ca.crt -untrusted int.crt -purpose sslclient "$sa.leaf.crt"
      cat "$sa.leaf.crt" int.crt >"$sa.crt" # Palisade and stunnel: leaf + intermediate
      cat "$sa.crt" "$sa.key" >"$sa.pem"     # HAProxy: chain and key in one file
    done
  ) >"$WORK/logs/pki.log" 2>&1 || { cat "$WORK/logs/pki.log"; die "certificate generation failed"; }
}
