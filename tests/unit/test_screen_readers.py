"""Input readers: every format gives one item per message with a stable id, failures included."""

import io
from pathlib import Path

import pytest

from coach.screen.mail import UnreadableMessage, parse_mail, read_mbox
from coach.screen.model import RawItem
from coach.screen.sources import InputFile, InputPlan, plan_inputs, read_inputs
from coach.screen.tables import FieldNames

DATA = Path(__file__).resolve().parents[1] / "data" / "screen"
INBOX = DATA / "organiser" / "inbox"
FORMATS = DATA / "formats"


def items_of(*paths, named=FieldNames(), notices=None, **plan_options):
    plan = plan_inputs([str(p) for p in paths], **plan_options)
    sink = notices if notices is not None else []
    return list(read_inputs(plan, named, sink.append))


def mail(path: Path) -> RawItem:
    data = path.read_bytes()
    return RawItem(kind="email", source=str(path), id=str(path), origin=str(path), data=data)


# --- mbox ------------------------------------------------------------------------------------

def test_mbox_gives_one_item_per_message_with_separator_line_numbers():
    with open(INBOX / "list.mbox", "rb") as stream:
        items = list(read_mbox(stream, "list.mbox"))
    assert [i.source for i in items] == [
        "list.mbox:1", "list.mbox:17", "list.mbox:34", "list.mbox:56", "list.mbox:71",
    ]
    messages = [parse_mail(i) for i in items]
    assert messages[0].id == "<ontbijt-2024-06@ourclub.nl>"
    assert messages[0].sender == "events@ourclub.nl"
    # No Message-ID: the id is the file and the line of the "From " separator.
    assert messages[4].id == "list.mbox:71"


def test_mbox_body_lines_starting_with_from_stay_in_their_message():
    with open(INBOX / "list.mbox", "rb") as stream:
        last = parse_mail(list(read_mbox(stream, "list.mbox"))[-1])
    assert "From little acorns, mighty oaks grow in 2024 too." in last.text
    # mboxrd escaping is undone one level.
    assert "\nFrom here on I will bring croissants." in last.text


def test_mbox_reader_streams_message_by_message():
    class CountingLines:
        def __init__(self, data: bytes):
            self.lines = io.BytesIO(data).readlines()
            self.read = 0

        def __iter__(self):
            for line in self.lines:
                self.read += 1
                yield line

    one = b"From a@x Mon Jun  3 08:00:00 2024\nFrom: a@x\nSubject: s\n\nbody\n\n"
    stream = CountingLines(one * 1000)
    reader = read_mbox(stream, "big.mbox")
    next(reader)
    # The first message comes out after its own lines and the next separator, not at the end.
    assert stream.read <= 8
    assert sum(1 for _ in reader) == 999


def test_truncated_mbox_keeps_the_complete_messages_and_reports_the_cut_one():
    with open(FORMATS / "truncated.mbox", "rb") as stream:
        items = list(read_mbox(stream, "truncated.mbox"))
    assert len(items) == 3
    assert [parse_mail(i).id for i in items[:2]] == ["<m1@example.nl>", "<m2@example.nl>"]
    with pytest.raises(UnreadableMessage, match="truncated"):
        parse_mail(items[2])


def test_text_before_the_first_separator_is_reported_not_dropped():
    data = b"garbage line\nFrom a@x Mon Jun  3 08:00:00 2024\nFrom: a@x\n\nhello\n"
    items = list(read_mbox(io.BytesIO(data), "odd.mbox"))
    assert [i.kind for i in items] == ["error", "email"]
    assert "1 line(s) before the first 'From ' separator" in items[0].error


# --- single mails ----------------------------------------------------------------------------

def test_plain_mail_sets_aside_its_closing_and_keeps_the_subject():
    message = parse_mail(mail(INBOX / "mail" / "welcome.eml"))
    assert message.id == "<welcome-sanne@ourclub.nl>"
    assert message.text.startswith("Welkom bij de Havenloods-ontbijten\n\nHoi Sanne,")
    assert "Hartelijke groet" not in message.text
    assert message.set_aside_lines == 2


def test_html_only_mail_is_converted_and_its_quote_set_aside():
    message = parse_mail(mail(INBOX / "mail" / "introduction-html.eml"))
    assert "Kom ook naar de Rainmakers Club: daar maak je pas echt omzet." in message.text
    assert "Welkom Rob" not in message.text
    assert "color: red" not in message.text
    assert message.set_aside_lines == 2


def test_outlook_reply_in_windows_1252_is_decoded_and_its_history_set_aside():
    message = parse_mail(mail(FORMATS / "outlook-reply.eml"))
    assert message.text == "Nee dank je, ik blijf liever bij het ontbijt."
    assert message.set_aside_lines == 6  # "RE:" subject + the original message block


@pytest.mark.parametrize("path, reason", [
    (INBOX / "mail" / "broken.eml", "not valid base64"),
    (FORMATS / "not-a-mail.eml", "binary data"),
])
def test_malformed_mail_is_unreadable_with_a_reason(path, reason):
    with pytest.raises(UnreadableMessage, match=reason):
        parse_mail(mail(path))


@pytest.mark.parametrize("data, reason", [
    (b"", "empty message"),
    (b"just some words\nand more\n", "no headers"),
    (b"From: a@x\nSubject: cut\n", "ends inside its headers"),
    (b"From: a@x\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nhi\n",
     "closing boundary"),
    (b"From: a@x\nContent-Type: application/pdf\n\n%PDF-1.4\n", "no text part"),
])
def test_mail_that_cannot_be_screened_says_why(data, reason):
    raw = RawItem(kind="email", source="m", id="m", origin="m", data=data)
    with pytest.raises(UnreadableMessage, match=reason):
        parse_mail(raw)


def test_unknown_charset_is_read_as_utf8_with_a_warning():
    data = b"From: a@x\nContent-Type: text/plain; charset=x-klingon\n\ncaf\xc3\xa9\n"
    message = parse_mail(RawItem(kind="email", source="m", id="m", origin="m", data=data))
    assert message.text == "café"
    assert message.warnings == ("unknown charset 'x-klingon'; read as UTF-8",)


# --- CSV and JSONL ---------------------------------------------------------------------------

def test_csv_columns_are_picked_by_name_and_the_choice_is_told():
    notices: list[str] = []
    items = items_of(INBOX / "exports" / "posts.csv", notices=notices)
    path = str(INBOX / "exports" / "posts.csv")
    assert notices == [
        f"{path}: text from 'body', id from 'id', sender from 'author', subject from 'title'; "
        "choose with --text-field/--id-field"
    ]
    assert [i.id for i in items] == ["p1", "p2", f"{path}:4", "p4", "p5"]
    assert items[1].sender == "bob@coaching-bob.nl"
    assert items[1].text == "Aanbieding\n\nAlleen deze week 20% korting op mijn coaching! Op is op."
    broken = items[2]
    assert broken.kind == "error"
    assert broken.error == "broken row: 2 fields where the header has 4"
    # A quoted field over two lines is one row, as in a spreadsheet.
    assert items[4].source == f"{path}:6"
    assert items[4].text.endswith("Dank voor de tip, Anna!\r\nIk stuur je zijn nummer.")


def test_csv_with_bom_semicolons_and_dutch_column_names():
    notices: list[str] = []
    items = items_of(FORMATS / "leden.csv", notices=notices)
    assert "text from 'Bericht', id from 'Nr', sender from 'Afzender'" in notices[0]
    assert "fields separated by ';'" in notices[0]
    assert [(i.id, i.sender, i.text) for i in items] == [
        ("1", "jan@example.nl", "Wie helpt mij met mijn website?"),
        ("2", "piet@example.nl", ""),
    ]


def test_csv_exported_in_windows_1252_is_read_intact_and_the_encoding_told():
    notices = []
    items = items_of(FORMATS / "latin1-export.csv", notices=notices)
    assert [item.warnings for item in items] == [(), ()]
    assert items[1].text == "Café De Haven, donderdag"
    assert f"{FORMATS / 'latin1-export.csv'}: read as Windows-1252 (not UTF-8)" in notices


def test_a_windows_1252_row_late_in_a_utf8_export_is_read_as_such_and_bad_bytes_replaced(tmp_path):
    export = tmp_path / "late.csv"
    filler = "".join(f"{n},Gewoon een bericht in UTF-8 met één accent\n" for n in range(3000))
    export.write_bytes(("id,text\n" + filler).encode("utf-8") + "3001,Caf\xe9 voor €5\n".encode("cp1252")
                       + b"3002,kapot \x81\x8d bytes\n")
    items = items_of(export)
    assert items[-2].text == "Café voor €5" and items[-2].warnings == ("not UTF-8; read as Windows-1252",)
    assert items[-1].text == "kapot \ufffd\ufffd bytes" and items[-1].warnings == ("invalid UTF-8 replaced",)
    assert items[0].warnings == () and items[0].text.endswith("één accent")


def test_named_fields_override_the_guess_and_a_missing_one_is_an_error():
    items = items_of(INBOX / "exports" / "posts.csv", named=FieldNames(text="title", id="author"))
    assert items[0].id == "anna@voorbeeld.nl"
    assert items[0].text == "Wie helpt?"
    [error] = items_of(INBOX / "exports" / "posts.csv", named=FieldNames(text="message_text"))
    assert error.kind == "error"
    assert error.error == "no text column 'message_text' (columns: id, author, title, body)"


def test_csv_without_a_text_column_is_one_error_naming_the_columns(tmp_path):
    path = tmp_path / "numbers.csv"
    path.write_text("a,b\n1,2\n")
    [item] = items_of(path)
    assert item.kind == "error"
    assert "no column named like text, body or message (columns: a, b)" in item.error


def test_our_own_report_left_in_a_folder_is_not_read_as_an_export(tmp_path):
    (tmp_path / "old-report.csv").write_text(
        "index,id,source,sender,subject,verdict,reason,categories\n1,a,b,,,ok,,\n")
    notices: list[str] = []
    assert items_of(tmp_path, notices=notices) == []
    assert "a coach screen report, not an export" in notices[0]


def test_jsonl_nested_fields_bad_lines_and_missing_fields():
    path = str(FORMATS / "posts.jsonl")
    items = items_of(FORMATS / "posts.jsonl", named=FieldNames(text="post.text", id="post.id"))
    assert [(i.source, i.kind, i.id) for i in items] == [
        (f"{path}:1", "text", "a1"),
        (f"{path}:2", "error", f"{path}:2"),
        (f"{path}:4", "error", f"{path}:4"),
        (f"{path}:5", "error", f"{path}:5"),
        (f"{path}:6", "text", "a4"),
    ]
    assert items[1].error.startswith("invalid JSON: ")
    assert items[2].error == "not a JSON object but list"
    assert items[3].error == "no 'post.text' field"


# --- text files, folders, standard input -----------------------------------------------------

def test_non_utf8_text_file_is_read_with_a_warning_and_a_binary_one_is_an_error(tmp_path):
    [item] = items_of(FORMATS / "latin1.txt")
    assert item.kind == "text"
    assert item.id == str(FORMATS / "latin1.txt")
    assert item.warnings == ("read as Windows-1252 (not UTF-8)",)
    assert item.text.startswith("Café De Haven")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\x00\x00\x00")
    [error] = items_of(binary)
    assert error.kind == "error" and "binary" in error.error


def test_folders_are_walked_in_a_stable_order_and_other_files_listed():
    plan = plan_inputs([str(INBOX)])
    assert [Path(f.path).relative_to(INBOX).as_posix() for f in plan.files] == [
        "list.mbox", "exports/posts.csv", "mail/broken.eml", "mail/introduction-html.eml",
        "mail/welcome.eml",
    ]
    assert [Path(p).name for p in plan.ignored] == ["flyer.png"]
    assert plan.total_bytes == sum(Path(f.path).stat().st_size for f in plan.files)


def test_files_without_extension_are_recognised_by_content(tmp_path):
    plan = plan_inputs([str(FORMATS)])
    formats = {Path(f.path).name: f.format for f in plan.files}
    assert formats["Inbox"] == "mbox"
    (tmp_path / "notes").write_text("just words\n")
    assert plan_inputs([str(tmp_path)]).ignored == [str(tmp_path / "notes")]
    # Named on the command line, an unknown file is read as text.
    assert plan_inputs([str(tmp_path / "notes")]).files[0].format == "text"


def test_hidden_files_report_targets_and_missing_paths(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("hidden")
    (tmp_path / "a.txt").write_text("hello")
    (tmp_path / "report.jsonl").write_text("")
    plan = plan_inputs([str(tmp_path), str(tmp_path / "gone.mbox")], exclude=[tmp_path / "report.jsonl"])
    assert [Path(f.path).name for f in plan.files] == ["a.txt", "gone.mbox"]
    assert plan.files[1].problem == "no such file or folder"
    assert plan.hidden_skipped == 1
    items = list(read_inputs(plan, FieldNames(), lambda _: None))
    assert items[1].kind == "error" and items[1].error == "no such file or folder"


@pytest.mark.parametrize("data, kind, count", [
    (b"From a@x Mon Jun  3 08:00:00 2024\nFrom: a@x\n\none\n\nFrom b@x Mon Jun  3 08:00:00 2024\nFrom: b@x\n\ntwo\n",
     "email", 2),
    (b"Word lid van onze club!\n", "text", 1),
    (b'{"text": "a"}\n{"text": "b"}\n', "text", 2),
])
def test_standard_input_format_is_guessed(data, kind, count):
    notices: list[str] = []
    plan = InputPlan(files=[InputFile(path="-")])
    stream = io.BufferedReader(io.BytesIO(data))
    items = list(read_inputs(plan, FieldNames(), notices.append, stdin=stream))
    assert len(items) == count
    assert {i.kind for i in items} == {kind}
    assert notices[0].startswith("standard input: read as ")
