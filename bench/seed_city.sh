#!/usr/bin/env bash
# Time seed_demo at city scale (default 1,000,000 households) into a fresh PostgreSQL database.
# Usage: bench/seed_city.sh [HOUSEHOLDS] ; needs PostgreSQL on 127.0.0.1:5432 (trust auth).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
DB=${BENCH_DB:-portal_bench}
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" DEBUG=1
.venv/bin/python manage.py migrate -v0
/usr/bin/time -v .venv/bin/python manage.py seed_demo --structure "${STRUCTURE:-2023}" --households "$N" 2> bench/out-seed-time.txt | tail -5
grep -E "Elapsed|Maximum resident" bench/out-seed-time.txt
psql -h 127.0.0.1 -U postgres -d "$DB" -Atc "SELECT 'households', count(*) FROM households_household UNION ALL SELECT 'members', count(*) FROM households_member"
