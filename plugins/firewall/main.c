// SPDX-License-Identifier: Apache-2.0
#include "plugins/firewall/firewall.h"

int main(void)
{
	return cni_plugin_main(&fw_ops);
}
