from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Manifest storage that leaves a reference to a missing source map as it is.

    wagtail-nhsuk-frontend's CSS names a `.map` file the package does not ship;
    without this, collectstatic fails in production builds.
    """

    def url_converter(self, name, hashed_files, template=None):
        convert = super().url_converter(name, hashed_files, template)

        def converter(matchobj):
            try:
                return convert(matchobj)
            except ValueError:
                url = matchobj["url"].strip().split("#")[0].split("?")[0]
                if url.endswith(".map"):
                    return matchobj["matched"]
                raise

        return converter
