#!/usr/bin/env bash
# Makes the keys for node-to-node TLS (conf/tls.conf) with the JDK's keytool: a private CA, one
# key store per node holding its key and a certificate signed by that CA, and one trust store
# holding only the CA's certificate. Members then accept exactly the nodes whose certificate this
# CA signed (mutual authentication).
#
#   RAFT_KV_TLS_PASSWORD=... conf/tls/make-keys.sh <out-dir> <host-or-ip>[,<more>...] n1 n2 n3
#
# The hosts go into every certificate's subject alternative names (hostname verification is on).
# Keep <out-dir>/ca.p12 offline: whoever has it can make members. Add a node later by running the
# script again with its id: an existing CA in <out-dir> is reused.
set -euo pipefail
if [ $# -lt 3 ] || [ -z "${RAFT_KV_TLS_PASSWORD:-}" ]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
out="$1"; hosts="$2"; shift 2
keytool="${JAVA_HOME:+$JAVA_HOME/bin/}keytool"
pass="$RAFT_KV_TLS_PASSWORD"
san=""
IFS=',' read -ra names <<< "$hosts"
for h in "${names[@]}"; do
  if [[ "$h" =~ ^[0-9.]+$ || "$h" == *:* ]]; then san="${san:+$san,}ip:$h"; else san="${san:+$san,}dns:$h"; fi
done
mkdir -p "$out"
umask 077
if [ ! -f "$out/ca.p12" ]; then
  "$keytool" -genkeypair -alias ca -keyalg RSA -keysize 3072 -validity 3650 -dname "CN=raft-kv cluster CA" \
    -ext bc:c -ext ku:c=keyCertSign,cRLSign -keystore "$out/ca.p12" -storetype PKCS12 -storepass "$pass" 2>/dev/null
  "$keytool" -exportcert -rfc -alias ca -keystore "$out/ca.p12" -storepass "$pass" -file "$out/ca.pem" 2>/dev/null
  rm -f "$out/truststore.p12"
  "$keytool" -importcert -noprompt -alias ca -file "$out/ca.pem" -keystore "$out/truststore.p12" \
    -storetype PKCS12 -storepass "$pass" 2>/dev/null
fi
for id in "$@"; do
  rm -f "$out/$id.p12"
  "$keytool" -genkeypair -alias node -keyalg RSA -keysize 2048 -validity 825 -dname "CN=$id" \
    -keystore "$out/$id.p12" -storetype PKCS12 -storepass "$pass" 2>/dev/null
  "$keytool" -certreq -alias node -keystore "$out/$id.p12" -storepass "$pass" -file "$out/$id.csr" 2>/dev/null
  "$keytool" -gencert -rfc -alias ca -keystore "$out/ca.p12" -storepass "$pass" -infile "$out/$id.csr" \
    -outfile "$out/$id.pem" -validity 825 -ext "san=$san" -ext ku:c=digitalSignature,keyEncipherment \
    -ext eku=serverAuth,clientAuth 2>/dev/null
  "$keytool" -importcert -noprompt -alias ca -file "$out/ca.pem" -keystore "$out/$id.p12" -storepass "$pass" 2>/dev/null
  "$keytool" -importcert -alias node -file "$out/$id.pem" -keystore "$out/$id.p12" -storepass "$pass" 2>/dev/null
  rm -f "$out/$id.csr" "$out/$id.pem"
  echo "$out/$id.p12: key and certificate of $id (for $hosts), signed by $out/ca.p12"
done
echo "$out/truststore.p12: the CA certificate every member trusts"
