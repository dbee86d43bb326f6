// SPDX-License-Identifier: Apache-2.0
#include "plugins/bridge/bridge.h"

int main(void)
{
	return cni_plugin_main(&br_ops);
}
