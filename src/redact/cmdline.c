/* SPDX-License-Identifier: MIT */
/*
 * cmdline: the pseudonym of a kernel command line.  Parameter names, bare
 * words, plain numbers and the values of parameters that only tune the
 * kernel stay (a vendor needs "iommu=pt" and "mlx5_core.*"); every other
 * value is replaced run by run like any text (key.c), so the line keeps its
 * length.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "redact/redact-internal.h"

/* Parameters whose values tune the kernel and name nothing on the site;
 * "name." ends a prefix (module parameters). */
static const char *const tuning_keys[] = {
	"console", "earlycon", "loglevel", "iommu", "intel_iommu", "amd_iommu", "iommu.",
	"pci", "pcie_aspm", "pcie_ports", "hugepagesz", "default_hugepagesz", "hugepages",
	"transparent_hugepage", "isolcpus", "nohz", "nohz_full", "rcu_nocbs", "irqaffinity",
	"mitigations", "spectre_v2", "pti", "crashkernel", "panic", "panic_on_oops",
	"nmi_watchdog", "watchdog", "selinux", "apparmor", "audit", "enforcing", "net.ifnames",
	"biosdevname", "numa_balancing", "processor.", "intel_idle.", "idle", "swiotlb",
	"mem_encrypt", "kvm.", "kvm-intel.", "kvm_intel.", "kvm-amd.", "mlx5_core.", "mlx5_ib.",
	"ib_core.", "ib_ipoib.", "rdma_cm.", "cgroup_no_v1", "systemd.unified_cgroup_hierarchy",
	"psi", "random.trust_cpu", "reboot", "quiet", "splash", "nosmt", "nokaslr", "noapic",
	"acpi", "efi", "elevator", "intremap", "pcie_acs_override", "vfio-pci.", "vfio_pci.",
};

static bool tuning_key(const char *k, size_t n)
{
	for (size_t i = 0; i < sizeof(tuning_keys) / sizeof(tuning_keys[0]); i++) {
		const char *t = tuning_keys[i];
		size_t tl = strlen(t);

		if (t[tl - 1] == '.' ? n > tl && !strncmp(k, t, tl) : n == tl && !strncmp(k, t, n))
			return true;
	}
	return false;
}

void redact_pseudo_cmdline(const struct redact_key *key, const char *in, size_t len, char *out)
{
	size_t i = 0;

	memcpy(out, in, len);
	while (i < len) {
		size_t start, eq = 0, end;
		bool quote = false;

		while (i < len && (in[i] == ' ' || in[i] == '\t'))
			i++;
		start = i;
		while (i < len && (quote || (in[i] != ' ' && in[i] != '\t'))) {
			if (in[i] == '"')
				quote = !quote;
			if (in[i] == '=' && !eq)
				eq = i;
			i++;
		}
		end = i;
		if (!eq || eq == start || tuning_key(in + start, eq - start))
			continue;
		/* A plain number (a count, a size, a flag) names nothing. */
		if (end > eq + 1 && end - eq - 1 <= 10 &&
		    strspn(in + eq + 1, "0123456789") >= end - eq - 1)
			continue;
		redact_pseudo_text(key, in + eq + 1, end - eq - 1, out + eq + 1);
	}
}

