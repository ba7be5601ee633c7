#!/usr/bin/env bash
# Prints the home of a JDK >= 21 (tokenscope targets Java 21), or explains what to install and fails.
# Looks at JAVA_HOME, then `java` on PATH, then the usual install folders; prefers the newest.
set -u

java_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }

candidates=()
[ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
if command -v java >/dev/null 2>&1; then
  candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
fi
for d in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /Library/Java/JavaVirtualMachines/*/Contents/Home \
         "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
  [ -d "$d" ] && candidates+=("$d")
done

best="" best_major=0
for d in "${candidates[@]}"; do
  [ -x "$d/bin/java" ] && [ -x "$d/bin/javac" ] || continue
  m=$(java_major "$d"); [ -n "$m" ] || continue
  # JAVA_HOME wins when it is new enough; otherwise the newest found
  if [ "$m" -ge 21 ] && [ "$d" = "${JAVA_HOME:-}" ]; then best="$d"; break; fi
  if [ "$m" -ge 21 ] && [ "$m" -gt "$best_major" ]; then best="$d"; best_major=$m; fi
done

if [ -z "$best" ]; then
  echo "tokenscope needs a JDK 21 or newer and found none (looked at JAVA_HOME, java on PATH, /usr/lib/jvm)." >&2
  echo "Install one, e.g. 'sudo apt-get install openjdk-21-jdk' or Temurin 21 from adoptium.net, or set JAVA_HOME." >&2
  exit 1
fi
echo "$best"
