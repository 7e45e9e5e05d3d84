/* VIRTNET section */
enum {
	IFLA_VIRTNET_UNSPEC,
	IFLA_VIRTNET_MODE,
	IFLA_VIRTNET_FILTER,
	__IFLA_VIRTNET_MAX
};

#define IFLA_VIRTNET_MAX (__IFLA_VIRTNET_MAX - 1)

enum virtnet_mode {
	VIRTNET_MODE_RXHANDLER,	/* exclusive rx_handler on the lower */
	VIRTNET_MODE_PTYPE,	/* ETH_P_ALL tap, coexists with a bridge */
	__VIRTNET_MODE_MAX
};

#define VIRTNET_MODE_MAX (__VIRTNET_MODE_MAX - 1)

enum virtnet_filter {
	VIRTNET_FILTER_ALL,	/* every frame of the lower */
	VIRTNET_FILTER_MAC,	/* own unicast MAC plus broadcast/multicast */
	__VIRTNET_FILTER_MAX
};

#define VIRTNET_FILTER_MAX (__VIRTNET_FILTER_MAX - 1)

