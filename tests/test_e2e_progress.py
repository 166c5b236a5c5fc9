"""Live progress (issue 17 item 4) through every job of the reusable workflow.

The plan job posts the plan's comment on the home issue (every issue waiting), each wave's
publisher edits it, summarize makes it the summary: one comment per target, N + 1 edits for N
waves, also when the answer to its creation is lost.
"""

from __future__ import annotations

from e2e.checks import check_run, summary_comments
from e2e.driver import Inputs, WaveRun

from lumina_wave.github.pacing import MINUTE_BUDGET

HOME = 300
# Wave 1: #301 and #304; wave 2: #302 (blocked by #301); wave 3: #303 (blocked by #302).
CHAIN = {301: [], 302: [301], 303: [302], 304: []}


def chain(fake) -> None:
    fake.state.add_issue(HOME, title="Where the run reports")
    for number, blockers in CHAIN.items():
        fake.state.add_issue(number, title=f"Task {number}", labels=["wave"], blocked_by=blockers)


class Watched(WaveRun):
    """A run that keeps the home comment's body after the plan job and after each publisher."""

    seen: list[str]

    def _home(self) -> str:
        (body,) = [c.body for c in self.fake.state.comments.values() if c.issue_number == HOME]
        return body

    def _plan_job(self):
        self.seen = []
        job = super()._plan_job()
        self.seen.append(self._home())
        return job

    def _publish(self, k: int) -> None:
        super()._publish(k)
        self.seen.append(self._home())


def home_edits(fake) -> tuple[int, int]:
    """(creates, edits) that reached the home comment, each counted once however often it was sent."""
    (home,) = [c for c in fake.state.comments.values() if c.issue_number == HOME]
    creates = sum(
        1
        for r in fake.requests
        if r.operation == "issues/create-comment" and r.path.endswith(f"/{HOME}/comments")
    )
    edits = [
        r for r in fake.requests if r.operation == "issues/update-comment" and r.path.endswith(f"/{home.id}")
    ]
    return creates, sum(1 for r in edits if r.status == 200 and r.fault is None)


def run_chain(fake_github, fake_origin, tmp_path) -> Watched:
    chain(fake_github)
    run = Watched(fake_github, fake_origin[0], tmp_path, inputs=Inputs(label="wave", comment_on=str(HOME)))
    run.run()
    check_run(run, dict.fromkeys(CHAIN, "success"), comment_on=(HOME,))
    return run


def test_the_home_comment_appears_with_the_plan_and_follows_each_wave(fake_github, fake_origin, tmp_path):
    run = run_chain(fake_github, fake_origin, tmp_path)
    first, one, two, three = run.seen
    assert "every issue waiting" in first
    assert "wave 1 of 3 waiting: #301 #304 · wave 2 waiting: #302 · wave 3 waiting: #303" in first
    assert "wave 1 of 3 done: ✅ #301 ✅ #304 · wave 2 running: #302 · wave 3 waiting: #303" in one
    assert "wave 2 of 3 done: ✅ #302 · wave 3 running: #303" in two
    assert "wave 3 of 3 done: ✅ #303" in three and "running" not in three
    final = run._home()
    assert "lumina-wave: 4 of 4 issues done" in final  # today's summary
    assert home_edits(fake_github) == (1, 3 + 1)  # created by the plan job, N + 1 edits for N waves
    assert summary_comments(fake_github, run.plan_id)[HOME] == 1


def test_a_lost_answer_to_the_first_comment_leaves_one_comment_edited_n_plus_one_times(
    fake_github, fake_origin, tmp_path
):
    fake_github.faults.on("issues/create-comment", 1, "502", after=True)
    fake_github.faults.on("issues/update-comment", 2, "drop", after=True)
    run_chain(fake_github, fake_origin, tmp_path)
    assert fake_github.faults.total == 2
    creates, edits = home_edits(fake_github)
    assert creates == 1 and edits == 3 + 1  # the lost create was found, not repeated


def test_a_secondary_limit_met_mid_run_is_waited_out_on_the_virtual_clock(fake_github, fake_origin, tmp_path):
    """The fake's secondary limit reads the run's virtual clock, which every process's pacer and
    retry share: a limit tighter than the pacer's budget is met, its retry-after waited out in
    virtual time (no real sleep), and no leg fails."""
    from fakegithub import SecondaryLimit

    chain(fake_github)
    run = WaveRun(fake_github, fake_origin[0], tmp_path, inputs=Inputs(label="wave", comment_on=str(HOME)))
    limit = SecondaryLimit(run.clock, minute=3, hour=500)  # tighter than the pacer's 72
    fake_github.secondary = limit
    run.run()
    check_run(run, dict.fromkeys(CHAIN, "success"), comment_on=(HOME,))
    assert limit.minute < MINUTE_BUDGET and limit.refused > 0
    assert run.clock() - limit.accepted[0] >= 60  # the waits passed on the virtual clock
