"""`flask outbox latest`: how someone running the demo reads the email (a sign-in code) that
was queued for an address, without a mail server."""

from tests.factories import make_message


def test_prints_the_newest_email_for_the_address(runner):
    make_message("sam@example.com", subject="Old code", body_text="Your code is 111111")
    make_message("sam@example.com", subject="New code", body_text="Your code is 222222")
    make_message("alex@example.com", subject="Not Sam's", body_text="Your code is 333333")

    result = runner.invoke(args=["outbox", "latest", "Sam@Example.com "])

    assert result.exit_code == 0
    assert "New code" in result.output and "222222" in result.output
    assert "111111" not in result.output and "333333" not in result.output


def test_says_so_when_nothing_was_queued(runner):
    result = runner.invoke(args=["outbox", "latest", "nobody@example.com"])

    assert result.exit_code != 0
    assert "Nothing has been queued for nobody@example.com" in result.output
