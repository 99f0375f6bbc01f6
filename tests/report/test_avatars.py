import base64
import io

from PIL import Image

from cibscan.report.avatars import AVATAR_PIXELS, avatar_data_uri, load_avatars


def test_images_are_re_encoded_as_small_pngs(tmp_path):
    Image.new("RGB", (640, 480), "green").save(tmp_path / "42.jpg")
    Image.new("P", (50, 50)).save(tmp_path / "7.gif")
    (tmp_path / "9.png").write_text("<svg onload=alert(1)></svg>")  # a lie about its type
    (tmp_path / "notes.txt").write_text("x")
    out = load_avatars(str(tmp_path), ["42", "7", "9", "missing"])
    assert set(out) == {"42", "7"}
    png = base64.b64decode(out["42"].split(",", 1)[1])
    with Image.open(io.BytesIO(png)) as im:
        assert im.format == "PNG" and max(im.size) == AVATAR_PIXELS


def test_absent_folder_or_unreadable_file_gives_no_avatar(tmp_path):
    assert load_avatars(None, ["1"]) == {} and load_avatars(str(tmp_path / "nope"), ["1"]) == {}
    (tmp_path / "1.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)  # truncated
    assert avatar_data_uri(str(tmp_path / "1.png")) is None
