#!/bin/sh
# The district demo's one-shot setup (compose.yaml, profile "demo"): three schools, each with its
# own bot on the sandbox standing in for Telegram, and the sample lists imported into each; then
# three people in the sandbox (a parent, a homeroom teacher, the principal) whose phones are on
# the lists, so that they can link themselves with /start and a shared contact.
#
# The schools are made with the command line only, exactly as an office's IT staff would
# (`schoolbot school add`, `schoolbot import`); only the sandbox's own setup (its bots and
# people) is asked over its HTTP API. Running it again is harmless: each school gets a new token
# (the workers restart its bot), the lists are imported again (no change), people are kept.
#
# Environment: SCHOOLBOT_DATABASE_URL (as the workers), SANDBOX_URL (http://sandbox:8081).
set -eu

SANDBOX_URL=${SANDBOX_URL:-http://sandbox:8081}
LISTS=$(python -c 'import bot.demo, pathlib; print(pathlib.Path(bot.demo.__file__).parent)')

# POST a JSON body to the sandbox's user API; print the answer's result.
sandbox() {
    python - "$SANDBOX_URL/sandbox/api/$1" "$2" <<'PY'
import json, sys, urllib.request
request = urllib.request.Request(
    sys.argv[1], data=sys.argv[2].encode(), headers={"Content-Type": "application/json"}
)
with urllib.request.urlopen(request, timeout=10) as answer:
    print(json.dumps(json.load(answer)["result"], ensure_ascii=False))
PY
}

echo "demo: waiting for the sandbox at $SANDBOX_URL"
python - "$SANDBOX_URL/sandbox/api/state" <<'PY'
import sys, time, urllib.request
for attempt in range(60):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=2)
        break
    except OSError:
        time.sleep(1)
else:
    sys.exit("the sandbox did not answer in 60 s")
PY

add_school() {  # code, name, the bot's Telegram id, the bot's username
    token="$3:$(python -c 'import secrets; print(secrets.token_urlsafe(30))')"
    sandbox bots "{\"token\": \"$token\", \"username\": \"$4\", \"first_name\": \"Sổ liên lạc $2\"}" >/dev/null
    printf '%s\n' "$token" | schoolbot school add --code "$1" --name "$2" --token - --username "$4"
    schoolbot import roster "$LISTS/roster.csv" --school "$1"
    schoolbot import staff "$LISTS/staff.csv" --school "$1"
}

add_school th-hoamai "Trường Tiểu học Hoa Mai" 7100000001 th_hoamai_bot
add_school th-senhong "Trường Tiểu học Sen Hồng" 7100000002 th_senhong_bot
add_school th-xuanhoa "Trường Tiểu học Xuân Hòa" 7100000003 th_xuanhoa_bot

# People whose phones are on the sample lists (the same lists in the three schools).
python - "$SANDBOX_URL/sandbox/api" <<'PY'
import json, sys, urllib.request
api = sys.argv[1]
people = [
    ("Ngô Kim Hạnh", "+84841860913", "Phụ huynh lớp 1A"),
    ("Phan Thị Thu", "+84784437323", "Giáo viên chủ nhiệm 1A"),
    ("Trịnh Văn Khải", "+84789183623", "Hiệu trưởng"),
]
with urllib.request.urlopen(f"{api}/state", timeout=10) as answer:
    known = {person.get("phone") for person in json.load(answer)["result"]["people"]}
for name, phone, label in people:
    if phone in known:
        continue
    body = json.dumps({"name": name, "phone": phone, "language_code": "vi", "label": label})
    request = urllib.request.Request(
        f"{api}/people", data=body.encode(), headers={"Content-Type": "application/json"}
    )
    urllib.request.urlopen(request, timeout=10).close()
PY

schoolbot school list
echo "demo: ready. Chats: http://localhost:8081/ ; health: http://localhost:8080/readyz"
