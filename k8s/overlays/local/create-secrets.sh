#!/usr/bin/env bash
# Creates every Kubernetes Secret the local overlay references, in namespace daprplatform, with generated values:
# nothing secret is committed, and nothing here is meant for production (there ops create the same Secrets, see
# ../production/README.md). Run it once before `kubectl apply -k k8s/overlays/local`; running it again changes
# nothing: a value already in the cluster is kept, because PostgreSQL, Redis and RabbitMQ took their passwords when
# their volumes were first initialised and tokens signed with the old key must stay valid.
#
#   k8s/overlays/local/create-secrets.sh          (kubectl pointed at the kind/minikube cluster; needs openssl)
set -euo pipefail

NAMESPACE=daprplatform
for tool in kubectl openssl; do
  command -v "$tool" >/dev/null || { echo "create-secrets.sh: $tool is required" >&2; exit 1; }
done

# The value of KEY in Secret NAME if it exists already, else nothing.
current() {
  kubectl --namespace "$NAMESPACE" get secret "$1" \
    -o "go-template={{ with index .data \"$2\" }}{{ base64decode . }}{{ end }}" 2>/dev/null || true
}

# The value already in the cluster, else a new one from the command that follows.
keep_or() {
  local name=$1 key=$2 value
  shift 2
  value=$(current "$name" "$key")
  if [ -n "$value" ]; then printf '%s' "$value"; else "$@"; fi
}

random_hex() { openssl rand -hex 24; }
# ASP.NET Core Identity's default rules: an upper-case letter, a lower-case letter, a digit and a symbol.
random_admin_password() { printf '%s-Aa1' "$(openssl rand -base64 30 | tr -dc 'A-Za-z0-9' | head -c 20)"; }
# The token signing key: RSA 2048, PKCS#8 PEM ("BEGIN PRIVATE KEY"), as identity expects.
new_signing_key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null; }

redis_password=$(keep_or redis redisPassword random_hex)
rabbitmq_password=$(keep_or rabbitmq password random_hex)
postgres_password=$(keep_or postgres password random_hex)
signing_key=$(keep_or jwt-signing-key Jwt__SigningKeyPem new_signing_key)
admin_password=$(keep_or identity-admin Identity__AdminPassword random_admin_password)

# Hosts are the in-cluster Services of infra/*.yaml. Npgsql connection strings, one database per service, pooled
# at 25 connections each (postgres.yaml allows 200).
pg="Host=postgres.${NAMESPACE}.svc.cluster.local;Port=5432;Username=postgres;Password=${postgres_password}"

kubectl create namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f - >/dev/null

# One Secret per line: name, then its keys.
kubectl create secret generic redis --from-literal=redisHost="redis.${NAMESPACE}.svc.cluster.local:6379" --from-literal=redisPassword="$redis_password" --namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -
kubectl create secret generic rabbitmq --from-literal=connectionString="amqp://daprplatform:${rabbitmq_password}@rabbitmq.${NAMESPACE}.svc.cluster.local:5672" --from-literal=username=daprplatform --from-literal=password="$rabbitmq_password" --namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -
kubectl create secret generic postgres --from-literal=password="$postgres_password" --namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -
kubectl create secret generic identitydb --from-literal=ConnectionStrings__identitydb="${pg};Database=identity;Maximum Pool Size=25" --namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -
kubectl create secret generic catalogdb --from-literal=ConnectionStrings__catalogdb="${pg};Database=catalog;Maximum Pool Size=25" --namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -
kubectl create secret generic orderingdb --from-literal=ConnectionStrings__orderingdb="${pg};Database=ordering;Maximum Pool Size=25" --namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -
kubectl create secret generic notificationsdb --from-literal=ConnectionStrings__notificationsdb="${pg};Database=notifications;Maximum Pool Size=25" --namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -
kubectl create secret generic analyticsdb --from-literal=ConnectionStrings__analyticsdb="${pg};Database=analytics;Maximum Pool Size=25" --namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -
kubectl create secret generic jwt-signing-key --from-literal=Jwt__SigningKeyPem="$signing_key" --namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -
kubectl create secret generic identity-admin --from-literal=Identity__AdminEmail=admin@daprplatform.local --from-literal=Identity__AdminPassword="$admin_password" --namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -

# The app API token of each service that only its sidecar may call (base/apps: dapr.io/app-token-secret).
kubectl create secret generic identity-app-token --from-literal=token="$(keep_or identity-app-token token random_hex)" --namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -
kubectl create secret generic catalog-app-token --from-literal=token="$(keep_or catalog-app-token token random_hex)" --namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -
kubectl create secret generic ordering-app-token --from-literal=token="$(keep_or ordering-app-token token random_hex)" --namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -
kubectl create secret generic payments-app-token --from-literal=token="$(keep_or payments-app-token token random_hex)" --namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -
kubectl create secret generic notifications-app-token --from-literal=token="$(keep_or notifications-app-token token random_hex)" --namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -
kubectl create secret generic analytics-app-token --from-literal=token="$(keep_or analytics-app-token token random_hex)" --namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -
echo
echo "Admin account: admin@daprplatform.local"
echo "Admin password: $admin_password"
echo "(again later: kubectl -n $NAMESPACE get secret identity-admin -o go-template='{{ index .data \"Identity__AdminPassword\" | base64decode }}')"
