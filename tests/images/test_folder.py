import pytest

pytest.importorskip("PIL", reason="the images extra is not installed")

from cibscan.cli import main  # noqa: E402
from cibscan.images import ingest_images  # noqa: E402
from cibscan.errors import InputNotFoundError  # noqa: E402

from ..conftest import account, post  # noqa: E402
from .pictures import make_image  # noqa: E402


def _folder(tmp_path):
    d = tmp_path / "imgs"
    (d / "sub").mkdir(parents=True)
    make_image(1).save(d / "acc1.png")
    make_image(2).save(d / "sub" / "acc2.jpg")
    make_image(3).save(d / "p1.png")          # media: a post id
    make_image(4).save(d / "photo77.webp")    # media: a media file name
    make_image(5).save(d / "nobody.png")      # matches nothing
    (d / "broken.png").write_bytes(b"not an image")
    (d / "notes.txt").write_text("ignored: not an image extension")
    return d


def test_ingest_images_fills_avatars_media_and_rejects(ws, tmp_path):
    ws.add_records([post("p1", "acc1"), post("p2", "acc2", media_urls=["https://cdn.example/media/photo77.webp?x=1"])],
                   [account("acc1"), account("acc2"), account("acc3")])
    r = ingest_images(ws, str(_folder(tmp_path)))
    assert (r.status, r.files, r.hashed, r.avatars, r.media_posts, r.unmatched, r.rejects) == ("ingested", 6, 5, 2, 2, 1, 1)
    acc = ws.to_pandas("accounts").set_index("account_id")
    assert acc.avatar_hash["acc1"].startswith("pdq:") and len(acc.avatar_hash["acc1"]) == 68
    assert not isinstance(acc.avatar_hash["acc3"], str)
    posts = ws.to_pandas("posts").set_index("post_id")
    assert len(posts.media_hashes["p1"]) == 1 and len(posts.media_hashes["p2"]) == 1
    ih = ws.to_pandas("image_hashes").set_index("id")
    assert ih.kind["acc1"] == "avatar" and ih.kind["p1"] == "media" and len(ih.pdq_dihedral["acc1"]) == 8
    rej = ws.to_pandas("rejects")
    assert list(rej.reason) == ["unreadable image"] and rej.position[0].endswith("broken.png")
    again = ingest_images(ws, str(tmp_path / "imgs"))
    assert again.status == "already ingested" and ws.count("image_hashes") == 5


def test_forced_kind_and_missing_folder(ws, tmp_path):
    ws.add_records([], [account("acc1")])
    r = ingest_images(ws, str(_folder(tmp_path)), kind="media")
    assert r.avatars == 0 and not isinstance(ws.to_pandas("accounts").avatar_hash[0], str)
    with pytest.raises(InputNotFoundError):
        ingest_images(ws, str(tmp_path / "nope"))


def test_cli_ingest_images_and_errors(tmp_path, capsys):
    d = _folder(tmp_path)
    users = tmp_path / "users.csv"
    users.write_text("userid,user_screen_name,user_display_name,account_creation_date\nacc1,alice,Alice,2020-01-01\n")
    w = str(tmp_path / "ws.duckdb")
    assert main(["ingest", str(users), "-w", w, "--images", str(d)]) == 0
    out = capsys.readouterr().out
    assert "5 of 6 files hashed" in out and "1 account avatars" in out
    assert main(["ingest", str(users), "-w", w, "--images", str(tmp_path / "missing")]) == 2
    assert "no such folder" in capsys.readouterr().err
    assert main(["ingest", str(users), "-w", w, "--images", str(d), "--images-kind", "banner"]) == 2
    assert "--images-kind" in capsys.readouterr().err
