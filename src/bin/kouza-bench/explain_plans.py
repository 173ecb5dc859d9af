#!/usr/bin/env python3
"""Query plans of the statements the scale scenario's pages run.

Reads the PostgreSQL server log written by `kouza-bench --postgres --keep
--log-sql scale` (log_statement = all on the big database, one request per
page, pages separated by `SELECT 'kouza-bench page: …'` markers), and prints,
per page, each distinct statement with its EXPLAIN on that PostgreSQL database
and its EXPLAIN QUERY PLAN on a kept SQLite database of the same shape
(`kouza-bench --keep scale`), parameters filled in from the log.

usage: explain_plans.py LOG PG_DATABASE SQLITE_FILE [SINCE]
"""
import re
import subprocess
import sys

# Debian's log_line_prefix is '%m [%p] %q%u@%d ': time, pid, then user@database.
ENTRY = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \w+ \[\d+\] (?:\S*@\S* )?")
PARAM = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")
SKIP = ("BEGIN", "COMMIT", "ROLLBACK", "SET ", "SHOW ")


def entries(path, since):
    current = None
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            if ENTRY.match(line):
                if current:
                    yield current
                current = line.rstrip("\n")
                if since and current[:23] < since:
                    current = None
            elif current is not None:
                current += "\n" + line.rstrip("\n").lstrip("\t")
    if current:
        yield current


def statements(path, since):
    """(page, sql, params) in log order."""
    page, pending = None, None
    for entry in entries(path, since):
        body = ENTRY.sub("", entry, count=1)
        m = re.match(r"LOG:  (?:statement|execute [^:]*): (.*)", body, re.S)
        if m:
            if pending:
                yield pending
                pending = None
            sql = m.group(1).strip()
            marker = re.match(r"SELECT 'kouza-bench page: (.*)'$", sql)
            if marker:
                page = marker.group(1)
            elif page and not sql.upper().startswith(SKIP):
                pending = (page, sql, {})
            continue
        m = re.match(r"DETAIL:  parameters: (.*)", body, re.S)
        if m and pending:
            pending[2].update({int(k): v for k, v in PARAM.findall(m.group(1))})
    if pending:
        yield pending


def fill(sql, params):
    for n in sorted(params, reverse=True):
        sql = sql.replace(f"${n}", params[n])
    return sql


def run(cmd, stdin):
    out = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    return (out.stdout + out.stderr).strip()


def main():
    log, pg_db, sqlite_file = sys.argv[1:4]
    since = sys.argv[4] if len(sys.argv) > 4 else None
    seen = set()
    current = None
    for page, sql, params in statements(log, since):
        shape = re.sub(r"\$\d+", "?", sql)
        if (page, shape) in seen:
            continue
        seen.add((page, shape))
        if page != current:
            print(f"\n#### {page}\n")
            current = page
        filled = fill(sql, params)
        print("```sql")
        print(filled)
        print("```")
        pg = run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", pg_db, "-At"],
            f"EXPLAIN {filled};",
        )
        lite = run(["sqlite3", sqlite_file], f"EXPLAIN QUERY PLAN {filled};")
        print("PostgreSQL:\n```")
        print(pg)
        print("```\nSQLite:\n```")
        print(lite)
        print("```\n")


if __name__ == "__main__":
    main()
