SUMMARY = "LwM2M edge gateway: LwM2M server for local devices, bridged to MQTT and a REST API"
DESCRIPTION = "An LwM2M server over CoAP/UDP toward local devices that publishes their \
values and events to an MQTT broker on the topics chosen by mapping files, turns MQTT \
messages into device commands and serves a REST API. Queued commands, registrations \
and unacknowledged MQTT messages are kept in SQLite."
SECTION = "net"
LICENSE = "Apache-2.0"
LIC_FILES_CHKSUM = "file://LICENSE;md5=3b83ef96387f14655fc854ddc3c6bd57"

PV = "0.1.0+git"

# By default the source tree this layer is part of (see conf/layer.conf), so
# the layer and the code always match. For a release from git, set in
# local.conf or a bbappend:
#   LWM2M_GATEWAY_SRC_URI = "git://HOST/PATH.git;protocol=https;branch=main"
#   SRCREV:pn-lwm2m-gateway = "<commit>"
LWM2M_GATEWAY_SRC_URI ??= ""
SRC_URI = "${LWM2M_GATEWAY_SRC_URI}"
inherit ${@'externalsrc' if not d.getVar('LWM2M_GATEWAY_SRC_URI') else ''}
EXTERNALSRC ??= "${LWM2M_GATEWAY_TREE}"
EXTERNALSRC_BUILD ??= "${WORKDIR}/build"
S = "${@d.getVar('EXTERNALSRC') if not d.getVar('LWM2M_GATEWAY_SRC_URI') else '${WORKDIR}/git'}"

DEPENDS = " \
    boost \
    openssl \
    sqlite3 \
    sqlitecpp \
    paho-mqtt-c \
    paho-mqtt-cpp \
    rapidjson \
    yaml-cpp \
    fmt \
    spdlog \
    cli11 \
    pugixml \
"

inherit cmake pkgconfig systemd useradd

PACKAGECONFIG ??= "${@bb.utils.filter('DISTRO_FEATURES', 'systemd', d)}"
# systemd: install lwm2m-gateway.service (Type=notify, watchdog, hardening).
# The daemon speaks the notify protocol itself, so it needs no libsystemd.
PACKAGECONFIG[systemd] = "-DLWM2M_INSTALL_SYSTEMD=ON,-DLWM2M_INSTALL_SYSTEMD=OFF"
# tests: build the unit tests (run them on the target or under qemu).
PACKAGECONFIG[tests] = "-DLWM2M_TESTS=ON,-DLWM2M_TESTS=OFF,googletest"

# LWM2M_SMALL: the footprint flags of the packaged daemon (cmake/Footprint.cmake).
EXTRA_OECMAKE = " \
    -DLWM2M_BENCH=OFF \
    -DLWM2M_SMALL=ON \
    -DCMAKE_INSTALL_SYSCONFDIR=${sysconfdir} \
    -DLWM2M_SYSTEMD_UNIT_DIR=${systemd_system_unitdir} \
"

USERADD_PACKAGES = "${PN}"
USERADD_PARAM:${PN} = "--system --user-group --home-dir ${localstatedir}/lib/lwm2m-gateway \
    --no-create-home --shell ${base_sbindir}/nologin lwm2m-gateway"

SYSTEMD_SERVICE:${PN} = "lwm2m-gateway.service"
SYSTEMD_AUTO_ENABLE:${PN} = "enable"

do_install:append() {
    # The data directory (storage.data_dir); under systemd StateDirectory= makes it too.
    install -d -m 0750 -o lwm2m-gateway -g lwm2m-gateway ${D}${localstatedir}/lib/lwm2m-gateway
    # The configuration may hold MQTT credentials.
    chown root:lwm2m-gateway ${D}${sysconfdir}/lwm2m-gateway/gateway.yaml
    chmod 0640 ${D}${sysconfdir}/lwm2m-gateway/gateway.yaml
    # Vendor object definitions (OMA DDF XML) go here (lwm2m.models); empty.
    install -d -m 0755 ${D}${sysconfdir}/lwm2m-gateway/models
}

FILES:${PN} += "${datadir}/lwm2m-gateway ${localstatedir}/lib/lwm2m-gateway ${sysconfdir}/lwm2m-gateway/models"
CONFFILES:${PN} = " \
    ${sysconfdir}/lwm2m-gateway/gateway.yaml \
    ${sysconfdir}/lwm2m-gateway/mapping/generic.yaml \
"
