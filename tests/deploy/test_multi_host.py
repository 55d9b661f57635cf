"""Xinsheng deployed on several hosts, as deploy/ describes it: nginx (the shipped site file,
over https) in front of two gunicorn web hosts, two job-worker hosts, one PostgreSQL and one
Redis — each host a network namespace on one bridge (deploy/testbed). Driven through the proxy
(or, where a test must choose the host, straight at a web host with the headers nginx adds):

* a respondent's session and CSRF token from web1 are good on web2;
* rate limits are counted once in Redis, whichever host serves the request;
* an analysis run started on web1 is followed on web2 while a worker host executes it;
* the every-minute tick is enqueued by both workers and does its work once;
* SIGKILL of a web host under load loses and duplicates no response.

It brings its own PostgreSQL and Redis, so it runs in one of CI's two passes: the PostgreSQL one
(TEST_DATABASE_URL set). It needs root (network namespaces), nginx, the PostgreSQL server and
redis-server; a machine without one of them skips it, naming what is missing.
``pytest -s`` shows the figures of the load under failure.
"""
from __future__ import annotations

import os
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select, text

from deploy.testbed import Browser, Testbed, Unknown, location_path, unavailable
from support import TEST_PASSWORD

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="runs in the PostgreSQL pass only (TEST_DATABASE_URL set): it brings its own PostgreSQL and Redis")

LOGIN_LIMIT = 6  # failed sign-ins per client address (RATE_LIMIT_LOGIN_ADDRESS)
ITEMS = [f"q{i}" for i in range(1, 5)]  # a journey's number, one decimal digit per item (value = digit + 1)
HIGH = "1000000 per minute"
SESSION_TEST_NUMBER = 9999  # the answers of the cross-host session test's response


@pytest.fixture(scope="module")
def bed():
    reason = unavailable()
    if reason:
        pytest.skip(f"no multi-host deployment on this machine: {reason}")
    testbed = Testbed(web_hosts=2, workers=2, log_writes=True, extra_env={
        "RATE_LIMIT_LOGIN_ADDRESS": f"{LOGIN_LIMIT} per 15 minutes",
        # One client address drives the load: the respondent throttles must not refuse it.
        **{f"RATE_LIMIT_{name}": HIGH for name in ("START_ADDRESS", "START_LINK", "SUBMIT_ADDRESS", "SUBMIT_LINK")},
        "XINSHENG_RETENTION_DAYS": "3650",  # the tick's retention purge: a write to see who did the work
    })
    try:
        testbed.start()
        testbed.seeded = seed(testbed)
        yield testbed
    finally:
        testbed.stop()


def seed(bed: Testbed) -> dict:
    """An analyst, the demo questionnaires (ACSI with responses) and a one-page load survey."""
    from survey.app import create_app
    from survey.db import get_session
    from survey.questionnaire.document import Page, Question, Questionnaire, ScaleSettings, Texts
    from survey.services.accounts import create_user
    from survey.services.demo import seed_demo
    from survey.services.questionnaires import create_questionnaire, publish
    from models import Questionnaire as QuestionnaireRow

    app = create_app({"ENVIRON": {"XINSHENG_ENV": "testing", "XINSHENG_INSTANCE": str(bed.folder / "seed")},
                      "SQLALCHEMY_DATABASE_URL": bed.database_url, "JOB_QUEUE_URL": "memory://"})
    with app.app_context():
        session = get_session()
        create_user(session, email="analyst@example.com", password=TEST_PASSWORD, role="analyst")
        seed_demo(session)
        questions = tuple(Question(code, "rating", Texts(f"题 {code}", f"Item {code}"), required=True,
                                   settings=ScaleSettings(min=1, max=10)) for code in ITEMS)
        document = Questionnaire(Texts("负载", "Load"), (Page("p1", Texts("第一页", "Page 1"), questions),))
        version = publish(session, create_questionnaire(session, document))
        session.commit()
        acsi = session.scalars(select(QuestionnaireRow).where(QuestionnaireRow.kind == "acsi")).one()
        seeded = {"load_version": version.id, "load_link": version.questionnaire.public_token,
                  "acsi": acsi.id, "acsi_versions": [v.id for v in acsi.versions]}
    app.extensions["sqlalchemy_engine"].dispose()
    return seeded


def scalar(bed: Testbed, sql: str, **params):
    from sqlalchemy import create_engine

    engine = create_engine(bed.database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql), params).all()
    finally:
        engine.dispose()


def start_response(browser: Browser, link: str) -> str:
    """Welcome page, Start: the path of the first survey page."""
    status, fields, html = browser.form(f"/s/{link}?lang=en")
    assert status == 200, html[:300]
    status, headers, html = browser.request("POST", f"/s/{link}?lang=en", fields, referer=f"/s/{link}?lang=en")
    assert status == 302, html[:300]
    return location_path(headers)


def answers(number: int) -> dict[str, str]:
    return {code: str(int(digit) + 1) for code, digit in zip(ITEMS, f"{number:04d}")}


# --- one respondent, two hosts ------------------------------------------------------------------

def test_a_respondents_session_and_csrf_token_from_web1_are_good_on_web2(bed) -> None:
    on_web1 = bed.browser("web1")
    page = start_response(on_web1, bed.seeded["load_link"])
    status, fields, _html = on_web1.form(page)
    assert status == 200 and fields["csrf_token"] and fields["xs_submission"]

    on_web2 = bed.browser("web2")
    on_web2.cookies = dict(on_web1.cookies)  # the same browser, its next request served by web2
    forged = on_web2.request("POST", page, {**fields, "csrf_token": "forged", **answers(SESSION_TEST_NUMBER)}, referer=page)
    assert forged[0] == 400  # web2 checks the token: it is not switched off there
    status, headers, html = on_web2.request("POST", page, {**fields, **answers(SESSION_TEST_NUMBER)}, referer=page)
    assert status == 302 and location_path(headers).endswith("/done"), html[:300]
    resume = page.split("/")[3]
    assert scalar(bed, "SELECT status FROM responses WHERE resume_token = :t", t=resume) == [("complete",)]
    assert f"GET {page}" in bed.access_log("web1") and f"POST {page}" in bed.access_log("web2")
    on_web1.close()
    on_web2.close()


# --- rate limits in Redis ---------------------------------------------------------------------

def test_rate_limits_are_counted_once_for_both_web_hosts(bed) -> None:
    browser = bed.browser()  # through nginx, which hands the requests to both hosts in turn
    _status, fields, _html = browser.form("/auth/login")  # the token is good for the whole session
    statuses = []
    for attempt in range(LOGIN_LIMIT + 2):
        # A different claimed address each time: nginx appends the real one, the app takes that.
        statuses.append(browser.request("POST", "/auth/login", {
            **fields, "email": f"nobody{attempt}@example.com", "password": "wrong"},
            referer="/auth/login", headers={"X-Forwarded-For": f"192.0.2.{attempt + 1}"})[0])
    browser.close()
    assert statuses == [422] * LOGIN_LIMIT + [429, 429]
    served = {host: bed.access_log(host).count("POST /auth/login") for host in ("web1", "web2")}
    assert served["web1"] >= 2 and served["web2"] >= 2, served  # each host saw fewer than the limit
    print(f"\nrate limit {LOGIN_LIMIT} failed sign-ins per address: refused from attempt {statuses.index(429) + 1}, "
          f"sign-in posts served by web1 {served['web1']}, web2 {served['web2']}")


# --- an analysis run across hosts -------------------------------------------------------------

def test_an_analysis_run_started_on_web1_is_followed_on_web2_while_a_worker_runs_it(bed) -> None:
    on_web1 = bed.browser("web1")
    on_web1.proxy_headers["X-Forwarded-For"] = "198.51.100.20"  # not the address the limits above used up
    _status, fields, _html = on_web1.form("/auth/login")
    status, _headers, html = on_web1.request("POST", "/auth/login", {
        **fields, "email": "analyst@example.com", "password": TEST_PASSWORD}, referer="/auth/login")
    assert status == 302, html[:300]
    new = f"/reports/runs/new?questionnaire={bed.seeded['acsi']}"
    _status, fields, _html = on_web1.form(new + "&lang=en")
    status, headers, html = on_web1.request("POST", new, {
        "csrf_token": fields["csrf_token"], "versions": bed.seeded["acsi_versions"], "model": "acsi",
        "method": "pls", "bootstrap": "0", "seed": "1"}, referer=new)
    assert status == 302, html[:500]
    detail = location_path(headers)
    run_id = int(detail.rsplit("/", 1)[1])

    on_web2 = bed.browser("web2")
    on_web2.proxy_headers["X-Forwarded-For"] = "198.51.100.20"
    on_web2.cookies = dict(on_web1.cookies)
    seen: list[str] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status, _headers, html = on_web2.request("GET", f"{detail}?lang=en")
        assert status == 200, html[:300]
        label = re.search(r"\b(Queued|Running|Succeeded|Failed|Cancelled)\b", html).group(1)
        if not seen or seen[-1] != label:
            seen.append(label)
        if label in ("Succeeded", "Failed", "Cancelled"):
            break
        time.sleep(0.5)
    on_web1.close()
    on_web2.close()
    assert seen[-1] == "Succeeded", seen
    assert f"GET {detail}" in bed.access_log("web2") and f"GET {detail}" not in bed.access_log("web1")
    # The run's rows were written by a worker host, not by a web host.
    writers = set(re.findall(r"\[([\d.]+)\] LOG:  (?:statement|execute [^:]*): UPDATE analysis_runs",
                             bed.log("postgres")))
    workers = {bed.addresses[h] for h in bed.worker_hosts}
    assert writers and writers <= workers, (writers, workers)
    print(f"\nanalysis run {run_id}: started on web1, statuses seen on web2 {' -> '.join(seen)}, "
          f"executed by {sorted(h for h in bed.worker_hosts if bed.addresses[h] in writers)}")


# --- the every-minute tick --------------------------------------------------------------------

def test_two_workers_tick_every_minute_and_the_work_is_done_once(bed) -> None:
    """Each worker's scheduler enqueues distribution_tick when it starts (then every minute), so
    with two workers up a minute gets two ticks, run by whichever consumer takes them; the
    minute's slot in periodic_runs lets one of them do the work (here: the retention purge, a
    DELETE that runs whenever the work does)."""
    workers = {bed.addresses[h]: h for h in bed.worker_hosts}
    pattern = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d):\d\d\.\d+ \S+ \[([\d.]+)\] LOG:  "
                         r"(?:statement|execute [^:]*): (INSERT INTO periodic_runs|DELETE FROM invitations)", re.M)
    # Both workers tick on start, a second or two apart; should that straddle a minute, their
    # next ticks, 60 s later, fall in one minute.
    deadline = time.monotonic() + 75
    while time.monotonic() < deadline:
        events = pattern.findall(bed.log("postgres"))
        attempts = Counter(minute for minute, _host, what in events if what.startswith("INSERT"))
        if attempts and max(attempts.values()) >= len(bed.worker_hosts):
            break
        time.sleep(0.5)
    work = Counter(minute for minute, _host, what in events if what.startswith("DELETE"))
    slots = scalar(bed, "SELECT count(*) FROM periodic_runs WHERE task = 'distribution_tick'")[0][0]
    assert {workers.get(host) for _m, host, _w in events} <= set(bed.worker_hosts)  # no web host ticks
    assert max(attempts.values()) >= len(bed.worker_hosts), attempts  # both schedulers' ticks ran
    assert slots == len(attempts)  # one slot per minute ticked
    assert sum(work.values()) == slots, (work, attempts)  # the work: once per slot, not once per tick
    print(f"\ndistribution_tick with {len(bed.worker_hosts)} workers: ticks per minute {dict(attempts)}, run by "
          f"{sorted(Counter(workers[h] for _m, h, w in events if w.startswith('INSERT')).items())}; "
          f"slots taken {slots}; work done per minute {dict(work)}")


# --- a web host dies under load ---------------------------------------------------------------

@dataclass
class Load:
    journeys: int
    kill_after: int
    accepted: dict[int, str] = field(default_factory=dict)  # journey -> resume token
    retried: Counter = field(default_factory=Counter)  # step -> retries after no/502 answer
    learned_by_409: int = 0  # submissions whose unknown outcome the next try showed was stored
    failed: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_journey: int = 0


RETRYABLE = (502, 503, 504)
LOST_ANSWER_EVERY = 10  # every 10th respondent's first submit loses its answer on the way back


def attempt(load: Load, step: str, call, tries: int = 10):
    """``call()`` until it answers with something else than a gateway error or nothing."""
    for number in range(tries):
        try:
            answer = call()
        except Unknown:
            answer = None
        if answer is not None and answer[0] not in RETRYABLE:
            return answer, number > 0
        with load.lock:
            load.retried[step] += 1
        time.sleep(0.2)
    raise AssertionError(f"{step}: no answer after {tries} tries")


def journey(bed: Testbed, load: Load, number: int) -> None:
    """A new respondent: welcome page, Start, the page, submit — each step repeated as a person
    would when the page shows a gateway error."""
    browser = bed.browser()
    link = bed.seeded["load_link"]
    try:
        (_s, fields, _h), _ = attempt(load, "welcome", lambda: browser.form(f"/s/{link}?lang=en"))
        (status, headers, _h), _ = attempt(load, "start", lambda: browser.request(
            "POST", f"/s/{link}?lang=en", fields, referer=f"/s/{link}?lang=en"))
        assert status == 302, status
        page = location_path(headers)
        (status, fields, _h), _ = attempt(load, "page", lambda: browser.form(page))
        assert status == 200 and "xs_submission" in fields, status
        lost = number % LOST_ANSWER_EVERY == 0
        if lost:  # the answer to the first submit never arrives; the person submits again
            browser.send_and_drop("POST", page, {**fields, **answers(number)}, referer=page)
            time.sleep(0.3)
        (status, headers, _h), again = attempt(load, "submit", lambda: browser.request(
            "POST", page, {**fields, **answers(number)}, referer=page))
        if status == 409 and (again or lost):  # the lost attempt had been stored: "already submitted"
            with load.lock:
                load.learned_by_409 += 1
        elif not (status == 302 and location_path(headers).endswith("/done")):
            raise AssertionError(f"submit answered {status}")
        with load.lock:
            load.accepted[number] = page.split("/")[3]
    finally:
        browser.close()


def run_load(bed: Testbed, load: Load, clients: int, on_threshold) -> None:
    fired = threading.Event()

    def client() -> None:
        while True:
            with load.lock:
                if load.next_journey >= load.journeys:
                    return
                load.next_journey += 1
                number = load.next_journey
            try:
                journey(bed, load, number)
            except AssertionError as error:
                with load.lock:
                    load.failed.append(f"journey {number}: {error}")
            with load.lock:
                due = len(load.accepted) >= load.kill_after and not fired.is_set()
                if due:
                    fired.set()
            if due:
                on_threshold()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_killing_a_web_host_under_load_loses_and_duplicates_no_response(bed) -> None:
    load = Load(journeys=240, kill_after=80)
    killed_at: list[int] = []

    def kill_web1() -> None:
        killed_at.append(len(load.accepted))
        bed.kill("web1")

    try:
        run_load(bed, load, clients=8, on_threshold=kill_web1)
    finally:
        if not bed.processes["web1"].alive():
            bed.start_web("web1")  # the host comes back for whatever runs next
    stored = scalar(bed, "SELECT resume_token, status, answers FROM responses WHERE version_id = :v",
                    v=bed.seeded["load_version"])
    complete = {token: stored_answers for token, status, stored_answers in stored if status == "complete"}
    numbers = Counter(int("".join(str(int(a[code]) - 1) for code in ITEMS)) for a in complete.values())
    duplicates = {number: count for number, count in numbers.items() if count > 1}
    web1_after_kill = bed.access_log("web1")
    print(f"\nkill under load: {load.journeys} respondents by 8 clients through nginx; web1 SIGKILLed after "
          f"{killed_at[0] if killed_at else '-'} accepted; accepted {len(load.accepted)}, stored complete "
          f"{len(complete)} (with the session test's one; {len(stored)} responses in all), duplicates "
          f"{len(duplicates)}; retries after a gateway error or no answer {dict(load.retried)}; "
          f"first submits whose answer was dropped {load.journeys // LOST_ANSWER_EVERY}; submissions whose lost answer "
          f"the next try showed stored (409) {load.learned_by_409}; failed {len(load.failed)}")
    assert killed_at, "web1 was never killed"
    assert load.failed == []
    assert not duplicates
    accepted_numbers = set(load.accepted)
    # Every accepted submission is stored once, under its own response, with its own answers.
    assert set(numbers) - {SESSION_TEST_NUMBER} == accepted_numbers
    for number, token in load.accepted.items():
        assert token in complete and complete[token] == {k: int(v) for k, v in answers(number).items()}
    # Retried starts made no second response: one response per respondent (and the session test's).
    assert len(stored) == load.journeys + numbers[SESSION_TEST_NUMBER]
    assert load.learned_by_409 > 0  # some dropped answers were of stored submissions: their retry stored nothing more
    assert "POST /s/" in web1_after_kill  # web1 took part before it died
