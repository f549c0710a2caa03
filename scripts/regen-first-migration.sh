#!/usr/bin/env bash
# Until the first release, the first migration is regenerated from the models rather than
# stacked with fixes: this rebuilds it and keeps its hand-written tail (audit-log triggers,
# event search), which autogenerate cannot see.
set -euo pipefail
cd "$(dirname "$0")/.."
f=src/tocsin/core/migrations/versions/0001_documentation_core.py
python3 - "$f" <<'PY'
import sys
s = open(sys.argv[1]).read()
open("/tmp/tocsin-triggers.py", "w").write(s[s.index("def _protect_audit_log()"):])
PY
rm "$f"
tmp=$(mktemp -d)
.venv/bin/python - "$tmp" <<'PY'
import sys
from alembic import command
from tocsin.core.db import make_engine
from tocsin.core.migrate import alembic_config
engine = make_engine(f"sqlite:///{sys.argv[1]}/gen.sqlite3")
command.revision(alembic_config(engine), message="documentation core", autogenerate=True, rev_id="0001")
PY
rm -rf "$tmp"
sed -i -e 's/tocsin\.core\.types\.EncryptedText()/sa.Text()/g; s/tocsin\.core\.types\.EncryptedJSON()/sa.Text()/g' \
  -e 's/tocsin\.core\.types\.UTCDateTime(timezone=True)/sa.DateTime(timezone=True)/g; /^import tocsin.core.types$/d' "$f"
python3 - "$f" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
marker = "    # ### end Alembic commands ###\n"
i = s.index(marker) + len(marker)
s = s[:i] + "    _protect_audit_log()\n    _create_event_search()\n" + s[i:]
s = s.replace("def downgrade() -> None:\n", "def downgrade() -> None:\n    _drop_event_search()\n    _unprotect_audit_log()\n", 1)
s = s.rstrip() + "\n\n\n" + open("/tmp/tocsin-triggers.py").read()
open(p, "w").write(s)
PY
.venv/bin/ruff check --fix -q "$f" || true
