import json
from pathlib import Path

import pytest

from app.core.settings import Settings
from app.graphql.engine.persisted import (
    LearnedDocuments,
    ManifestError,
    PersistedOperations,
    PersistedQueryError,
    document_hash,
    load_allow_list,
    load_manifest,
)

GOOD_SECRET = "0123456789abcdef0123456789abcdef"
ME = "query Me { me { __typename id } }"
ME_HASH = document_hash(ME)
OTHER = "query Other { __typename }"
OTHER_HASH = document_hash(OTHER)


def persisted(key: str, version: object = 1) -> dict[str, object]:
    return {"persistedQuery": {"version": version, "sha256Hash": key}}


def refusal(operations: PersistedOperations, query: str | None, extensions: object) -> str:
    with pytest.raises(PersistedQueryError) as caught:
        operations.resolve(query, extensions)  # type: ignore[arg-type]
    return caught.value.code


def write_manifest(path: Path, *documents: str) -> Path:
    path.write_text(json.dumps({document_hash(text): text for text in documents}))
    return path


def test_the_hash_is_the_sha256_hex_of_the_utf8_text() -> None:
    assert document_hash("abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    assert document_hash("\u00e9") == (  # the bytes c3 a9
        "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c"
    )


class TestAutomaticPersistedQueries:
    def test_an_unknown_hash_is_not_found_with_apollos_message(self) -> None:
        operations = PersistedOperations({})
        with pytest.raises(PersistedQueryError) as caught:
            operations.resolve(None, persisted(ME_HASH))
        assert caught.value.code == "PERSISTED_QUERY_NOT_FOUND"
        assert caught.value.message == "PersistedQueryNotFound"
        assert 400 <= caught.value.status < 500

    def test_hash_and_text_register_the_document_then_the_hash_alone_runs_it(self) -> None:
        operations = PersistedOperations({})
        assert operations.resolve(ME, persisted(ME_HASH)) == (ME, False)
        assert operations.resolve(None, persisted(ME_HASH)) == (ME, False)

    def test_an_uppercase_hash_names_the_same_document(self) -> None:
        operations = PersistedOperations({})
        operations.resolve(ME, persisted(ME_HASH.upper()))
        assert operations.resolve(None, persisted(ME_HASH)) == (ME, False)

    def test_a_text_that_does_not_have_the_hash_is_refused_and_not_remembered(self) -> None:
        operations = PersistedOperations({})
        assert refusal(operations, OTHER, persisted(ME_HASH)) == "PERSISTED_QUERY_HASH_MISMATCH"
        assert refusal(operations, None, persisted(ME_HASH)) == "PERSISTED_QUERY_NOT_FOUND"

    @pytest.mark.parametrize("version", [2, 0, "1", True, None])
    def test_another_version_is_refused(self, version: object) -> None:
        operations = PersistedOperations({})
        code = refusal(operations, ME, persisted(ME_HASH, version))
        assert code == "PERSISTED_QUERY_VERSION_UNSUPPORTED"

    @pytest.mark.parametrize(
        "extensions",
        [
            {"persistedQuery": "abc"},
            {"persistedQuery": {"version": 1}},
            {"persistedQuery": {"version": 1, "sha256Hash": "abc"}},
            {"persistedQuery": {"version": 1, "sha256Hash": 12}},
            {"persistedQuery": {"version": 1, "sha256Hash": "g" * 64}},
        ],
    )
    def test_a_malformed_persisted_query_is_a_bad_request(self, extensions: object) -> None:
        assert refusal(PersistedOperations({}), ME, extensions) == "BAD_REQUEST"

    def test_a_request_with_neither_text_nor_hash_is_a_bad_request(self) -> None:
        assert refusal(PersistedOperations({}), None, None) == "BAD_REQUEST"
        assert refusal(PersistedOperations({}), None, {"other": 1}) == "BAD_REQUEST"

    def test_a_plain_document_runs_as_it_is(self) -> None:
        assert PersistedOperations({}).resolve(OTHER, None) == (OTHER, False)
        assert PersistedOperations({}).resolve(OTHER, {}) == (OTHER, False)

    def test_the_process_remembers_a_bounded_number_of_documents(self) -> None:
        operations = PersistedOperations({}, cache_size=1)
        operations.resolve(ME, persisted(ME_HASH))
        operations.resolve(OTHER, persisted(OTHER_HASH))
        assert refusal(operations, None, persisted(ME_HASH)) == "PERSISTED_QUERY_NOT_FOUND"
        assert operations.resolve(None, persisted(OTHER_HASH)) == (OTHER, False)


class TestLearnedDocuments:
    def test_the_least_recently_used_document_goes_first(self) -> None:
        learned = LearnedDocuments(2)
        learned.put("a", "A")
        learned.put("b", "B")
        assert learned.get("a") == "A"
        learned.put("c", "C")
        assert (learned.get("a"), learned.get("b"), learned.get("c")) == ("A", None, "C")
        assert len(learned) == 2

    def test_a_capacity_of_zero_remembers_nothing(self) -> None:
        learned = LearnedDocuments(0)
        learned.put("a", "A")
        assert learned.get("a") is None


class TestTrustedDocumentsOptional:
    def test_the_manifests_documents_run_by_hash_without_registration(self) -> None:
        operations = PersistedOperations({ME_HASH: ME})
        assert operations.resolve(None, persisted(ME_HASH)) == (ME, True)
        assert list(operations.trusted_documents()) == [ME]

    def test_a_manifest_document_sent_as_text_is_trusted(self) -> None:
        assert PersistedOperations({ME_HASH: ME}).resolve(ME, None) == (ME, True)

    def test_other_documents_still_run_untrusted(self) -> None:
        operations = PersistedOperations({ME_HASH: ME})
        assert operations.resolve(OTHER, None) == (OTHER, False)
        assert operations.resolve(OTHER, persisted(OTHER_HASH)) == (OTHER, False)


class TestTrustedDocumentsRequired:
    def test_the_manifests_documents_run_by_hash_and_by_text(self) -> None:
        operations = PersistedOperations({ME_HASH: ME}, required=True)
        assert operations.resolve(None, persisted(ME_HASH)) == (ME, True)
        assert operations.resolve(ME, None) == (ME, True)
        assert operations.resolve(ME, persisted(ME_HASH)) == (ME, True)

    def test_any_other_document_is_refused_as_not_trusted(self) -> None:
        operations = PersistedOperations({ME_HASH: ME}, required=True)
        with pytest.raises(PersistedQueryError) as caught:
            operations.resolve(OTHER, None)
        assert (caught.value.code, caught.value.status) == ("OPERATION_NOT_TRUSTED", 403)
        assert refusal(operations, None, persisted(OTHER_HASH)) == "OPERATION_NOT_TRUSTED"

    def test_apq_registration_is_refused_and_learns_nothing(self) -> None:
        operations = PersistedOperations({ME_HASH: ME}, required=True)
        assert refusal(operations, OTHER, persisted(OTHER_HASH)) == "OPERATION_NOT_TRUSTED"
        assert refusal(operations, None, persisted(OTHER_HASH)) == "OPERATION_NOT_TRUSTED"
        assert len(operations.learned) == 0

    def test_a_hash_mismatch_is_still_a_mismatch(self) -> None:
        operations = PersistedOperations({ME_HASH: ME}, required=True)
        assert refusal(operations, OTHER, persisted(ME_HASH)) == "PERSISTED_QUERY_HASH_MISMATCH"


class TestSubscriptions:
    def test_a_trusted_hash_selects_the_trusted_text_whatever_text_came_with_it(self) -> None:
        operations = PersistedOperations({ME_HASH: ME}, required=True)
        printed = "query Me {\n  me {\n    __typename\n    id\n  }\n}"
        assert operations.resolve_subscription(printed, persisted(ME_HASH)) == (ME, True)

    def test_when_required_an_untrusted_text_is_refused_even_with_a_hash(self) -> None:
        operations = PersistedOperations({ME_HASH: ME}, required=True)
        with pytest.raises(PersistedQueryError, match="trusted"):
            operations.resolve_subscription(OTHER, persisted(OTHER_HASH))
        assert operations.resolve_subscription(ME, None) == (ME, True)

    def test_otherwise_the_text_runs_as_sent(self) -> None:
        operations = PersistedOperations({ME_HASH: ME})
        assert operations.resolve_subscription(OTHER, persisted(OTHER_HASH)) == (OTHER, False)
        assert operations.resolve_subscription(OTHER, {"persistedQuery": 1}) == (OTHER, False)
        assert len(operations.learned) == 0


class TestManifests:
    def test_a_manifest_maps_each_hash_to_its_document(self, tmp_path: Path) -> None:
        path = write_manifest(tmp_path / "m.json", ME, OTHER)
        assert load_manifest(path) == {ME_HASH: ME, OTHER_HASH: OTHER}

    def test_a_document_under_a_wrong_hash_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "m.json"
        path.write_text(json.dumps({ME_HASH: OTHER}))
        with pytest.raises(ManifestError, match="does not have that hash"):
            load_manifest(path)

    @pytest.mark.parametrize("content", ["[]", "{not json", '{"a": 1}'])
    def test_a_malformed_manifest_is_refused(self, tmp_path: Path, content: str) -> None:
        path = tmp_path / "m.json"
        path.write_text(content)
        with pytest.raises(ManifestError):
            load_manifest(path)

    def test_a_missing_manifest_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(ManifestError, match="cannot read"):
            load_manifest(tmp_path / "absent.json")

    def test_an_allow_list_folder_allows_each_graphql_file_whole(self, tmp_path: Path) -> None:
        (tmp_path / "nested").mkdir()
        (tmp_path / "me.graphql").write_text(ME)
        (tmp_path / "nested" / "other.graphql").write_text(OTHER)
        (tmp_path / "notes.txt").write_text("not a document")
        assert load_allow_list(tmp_path) == {ME_HASH: ME, OTHER_HASH: OTHER}

    def test_an_allow_list_may_be_one_file_or_a_manifest(self, tmp_path: Path) -> None:
        (tmp_path / "me.graphql").write_text(ME)
        assert load_allow_list(tmp_path / "me.graphql") == {ME_HASH: ME}
        manifest = write_manifest(tmp_path / "extra.json", OTHER)
        assert load_allow_list(manifest) == {OTHER_HASH: OTHER}


class TestFromSettings:
    def settings(self, **overrides: object) -> Settings:
        return Settings(jwt_secret=GOOD_SECRET, **overrides)  # type: ignore[arg-type]

    def test_the_default_manifest_is_codegens_when_the_app_is_not_built(
        self, tmp_path: Path
    ) -> None:
        settings = self.settings(web_dir=tmp_path)
        assert settings.trusted_documents == "optional"
        path = settings.trusted_documents_manifest_path
        assert path.parts[-4:] == ("web", "src", "gql", "persisted-documents.json")
        operations = PersistedOperations.from_settings(settings)
        assert not operations.required
        assert list(operations.trusted_documents())

    def test_the_default_manifest_is_the_served_apps_when_built(self, tmp_path: Path) -> None:
        write_manifest(tmp_path / "persisted-documents.json", ME)
        operations = PersistedOperations.from_settings(self.settings(web_dir=tmp_path))
        assert list(operations.trusted_documents()) == [ME]

    def test_required_mode_runs_the_manifest_and_the_allow_list(self, tmp_path: Path) -> None:
        manifest = write_manifest(tmp_path / "m.json", ME)
        (tmp_path / "extra.graphql").write_text(OTHER)
        operations = PersistedOperations.from_settings(
            self.settings(
                trusted_documents="required",
                trusted_documents_manifest=manifest,
                trusted_documents_extra=tmp_path / "extra.graphql",
            )
        )
        assert operations.required
        assert set(operations.trusted_documents()) == {ME, OTHER}
        assert operations.resolve(OTHER, None) == (OTHER, True)

    def test_required_mode_without_a_manifest_fails_at_start(self, tmp_path: Path) -> None:
        settings = self.settings(
            trusted_documents="required", trusted_documents_manifest=tmp_path / "absent.json"
        )
        with pytest.raises(ManifestError):
            PersistedOperations.from_settings(settings)

    def test_optional_mode_without_a_manifest_runs_apq_only(self, tmp_path: Path) -> None:
        settings = self.settings(trusted_documents_manifest=tmp_path / "absent.json")
        operations = PersistedOperations.from_settings(settings)
        assert list(operations.trusted_documents()) == []
        assert operations.resolve(ME, persisted(ME_HASH)) == (ME, False)

    def test_required_mode_turns_graphiql_off(self) -> None:
        assert self.settings().playground_enabled
        assert not self.settings(trusted_documents="required").playground_enabled

    def test_the_settings_come_from_the_environment(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        monkeypatch.setenv("ENVELOPES_TRUSTED_DOCUMENTS", "required")
        monkeypatch.setenv("ENVELOPES_TRUSTED_DOCUMENTS_EXTRA", str(tmp_path))
        monkeypatch.setenv("ENVELOPES_PERSISTED_QUERIES_CACHE_SIZE", "5")
        settings = self.settings()
        assert settings.trusted_documents == "required"
        assert settings.trusted_documents_extra == tmp_path
        assert settings.persisted_queries_cache_size == 5
