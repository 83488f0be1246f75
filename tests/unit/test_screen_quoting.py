"""Quoted replies, reply history and signatures are set aside; HTML mail becomes readable text."""

from coach.screen.html_text import html_to_text
from coach.screen.quoting import set_aside_quotes


def test_quoted_lines_and_english_attribution_are_set_aside():
    body = (
        "Thanks Jan, I'd rather just meet for coffee.\n"
        "\n"
        "On Tue, 4 Jun 2024 at 09:12, Jan Jansen <jan@example.nl> wrote:\n"
        "> Join GoldCircle today!\n"
        "> Only 99 euro a month.\n"
    )
    clean = set_aside_quotes(body)
    assert clean.text == "Thanks Jan, I'd rather just meet for coffee."
    assert clean.set_aside == 3


def test_dutch_attribution_wrapped_over_two_lines_is_set_aside():
    body = (
        "Leuk idee, ik kom graag.\n"
        "Op di 4 jun 2024 om 09:12 schreef Jan Jansen <\n"
        "jan@example.nl>:\n"
        "> Word lid van onze club.\n"
    )
    clean = set_aside_quotes(body)
    assert clean.text == "Leuk idee, ik kom graag."
    assert clean.set_aside == 3


def test_interleaved_reply_keeps_the_senders_answers():
    body = "On 4 June 2024, Jan wrote:\n> Can you help?\nYes, gladly.\n> And Friday?\nFriday works.\n"
    assert set_aside_quotes(body).text == "Yes, gladly.\nFriday works."


def test_unprefixed_quote_after_attribution_is_history():
    body = "Sounds good!\n\nOn 3 June 2024 Jan wrote:\nBuy our package now, limited offer.\n"
    assert set_aside_quotes(body).text == "Sounds good!"


def test_a_sentence_ending_in_wrote_without_date_or_address_is_the_senders_own():
    # Otherwise "On Monday I wrote:" would hide whatever follows from the screening.
    body = "On Monday I wrote:\nJoin GoldCircle, only 99 euro a month!\n"
    clean = set_aside_quotes(body)
    assert "Join GoldCircle" in clean.text
    assert clean.set_aside == 0


def test_outlook_original_message_cuts_the_history():
    body = "See you there.\n\n-----Original Message-----\nFrom: Jan\nSent: Monday\nWord lid!\n"
    clean = set_aside_quotes(body)
    assert clean.text == "See you there."
    assert clean.set_aside == 4


def test_outlook_dutch_header_block_cuts_the_history():
    body = (
        "Prima, tot dan.\n\n"
        "Van: Jan Jansen <jan@example.nl>\n"
        "Verzonden: maandag 3 juni 2024 10:00\n"
        "Aan: Piet\n"
        "Onderwerp: Club\n\n"
        "Word lid van onze club, 20% korting!\n"
    )
    assert set_aside_quotes(body).text == "Prima, tot dan."


def test_signature_after_dash_dash_line_is_set_aside():
    body = "Happy to help with the venue.\n-- \nPiet Bakker | Join my Rainmakers Club\n"
    clean = set_aside_quotes(body)
    assert clean.text == "Happy to help with the venue."
    assert clean.set_aside == 2


def test_closing_block_is_set_aside_but_a_postscript_is_not():
    signed = "Zullen we koffie drinken?\n\nMet vriendelijke groet,\nJan Jansen\nMakelaardij Jansen\n"
    clean = set_aside_quotes(signed)
    assert clean.text == "Zullen we koffie drinken?"
    assert clean.set_aside == 3

    with_ps = "Zullen we koffie drinken?\n\nGroet,\nJan\n\nPS: word lid van GoldCircle!\n"
    assert "GoldCircle" in set_aside_quotes(with_ps).text


def test_forwarded_mail_keeps_everything():
    body = "FYI\n\n---------- Forwarded message ---------\nFrom: Jan\n> Join GoldCircle\n"
    clean = set_aside_quotes(body)
    assert clean.text == body
    assert clean.set_aside == 0
    assert set_aside_quotes("> quoted\n", subject="Fwd: club").set_aside == 0


def test_html_paragraphs_breaks_lists_and_entities():
    text = html_to_text(
        "<html><head><title>x</title><style>p {color:red}</style></head><body>"
        "<p>Hallo&nbsp;allemaal &amp; welkom,</p><p>regel een<br>regel twee</p>"
        "<ul><li>koffie</li><li>thee</li></ul><script>alert(1)</script></body></html>"
    )
    assert text == "Hallo\xa0allemaal & welkom,\n\nregel een\nregel twee\n\n- koffie\n- thee"


def test_html_blockquote_and_gmail_quote_become_quoted_lines():
    text = html_to_text(
        "<div>Graag!</div><div class=\"gmail_quote\">Op 3 jun 2024 schreef Jan:"
        "<blockquote>Word lid<br>van de club</blockquote></div>"
    )
    lines = text.splitlines()
    assert lines[0] == "Graag!"
    assert "> > Word lid" in lines and "> > van de club" in lines
    assert set_aside_quotes(text).text == "Graag!"
