SUMMARY = "SQLiteC++: a smart and easy to use C++ SQLite3 wrapper"
HOMEPAGE = "https://github.com/SRombauts/SQLiteCpp"
SECTION = "libs"
LICENSE = "MIT"
LIC_FILES_CHKSUM = "file://LICENSE.txt;md5=3d149a8cb6c7dab01d788f477294cebc"

SRC_URI = "git://github.com/SRombauts/SQLiteCpp;protocol=https;branch=master"
# Tag 3.3.1
SRCREV = "fe6086c12679d8744c02fa03e83e75feca2413d8"
S = "${WORKDIR}/git"

DEPENDS = "sqlite3"

inherit cmake

# The system sqlite3 (oe-core builds it with SQLITE_ENABLE_COLUMN_METADATA),
# no bundled copy; no lint or doc tools at build time. A static library, as
# Debian ships it: nothing to install on the target.
EXTRA_OECMAKE = " \
    -DSQLITECPP_INTERNAL_SQLITE=OFF \
    -DSQLITECPP_RUN_CPPLINT=OFF \
    -DSQLITECPP_RUN_CPPCHECK=OFF \
    -DSQLITECPP_RUN_DOXYGEN=OFF \
    -DSQLITECPP_BUILD_TESTS=OFF \
    -DSQLITECPP_BUILD_EXAMPLES=OFF \
    -DBUILD_SHARED_LIBS=OFF \
"

RDEPENDS:${PN}-dev = ""
RDEPENDS:${PN}-staticdev += "libsqlite3-dev"
