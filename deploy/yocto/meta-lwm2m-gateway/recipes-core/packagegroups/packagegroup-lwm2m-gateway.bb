SUMMARY = "LwM2M edge gateway and the tools to look at it on the box"
DESCRIPTION = "The lwm2m-gateway daemon with its service, plus the MQTT command-line \
clients and curl to watch its topics and REST API."

inherit packagegroup

PACKAGES = "${PN} ${PN}-tools"

RDEPENDS:${PN} = "lwm2m-gateway"
# mosquitto-clients comes from meta-networking, when the image has that layer.
RDEPENDS:${PN}-tools = "curl ${@bb.utils.contains('BBFILE_COLLECTIONS', 'networking-layer', 'mosquitto-clients', '', d)}"
