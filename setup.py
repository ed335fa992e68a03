"Package metadata comes from settings.ini, the single source nbdev reads too."
import json, re, shutil
from configparser import ConfigParser
from pathlib import Path
import setuptools
from setuptools.command.build_py import build_py

cfg = ConfigParser(delimiters=['='])
cfg.read('settings.ini', encoding='utf-8')
cfg = cfg['DEFAULT']

licenses = {'apache2': 'Apache-2.0'}  # SPDX identifiers
statuses = ['Planning', 'Pre-Alpha', 'Alpha', 'Beta', 'Production/Stable', 'Mature', 'Inactive']  # Trove numbers them from 1
def reqs(key): return cfg.get(key, '').split()

class BuildPyLessons(build_py):
    "Also ship the lesson notebooks that mark exercises, without their outputs, for `mlp_exercises` outside a clone"
    marker = re.compile(r'^#\|[ \t]*exercise[ \t]+\S', re.M)   # as `_MARKER` in nbs/23_exercise_nbs.ipynb
    def run(self):
        super().run()
        if self.editable_mode: return   # an editable install runs from the clone, and finds them in nbs/
        dest = Path(self.build_lib)/cfg['lib_path']/'lessons'
        shutil.rmtree(dest, ignore_errors=True)
        for p in sorted(Path(cfg['nbs_path']).glob('*.ipynb')):
            nb = json.loads(p.read_text(encoding='utf-8'))
            code = [c for c in nb['cells'] if c['cell_type'] == 'code']
            if not any(self.marker.search(''.join(c['source'])) for c in code): continue
            for c in code: c['outputs'],c['execution_count'] = [],None
            dest.mkdir(parents=True, exist_ok=True)
            (dest/p.name).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
        if not dest.is_dir(): self.warn(f"no lesson notebook with exercises in {cfg['nbs_path']}/: mlp_exercises will not work")

setuptools.setup(
    name=cfg['lib_name'], version=cfg['version'],
    description=cfg['description'], keywords=cfg['keywords'],
    author=cfg['author'], author_email=cfg['author_email'], license=licenses[cfg['license']],
    classifiers=[f"Development Status :: {cfg['status']} - {statuses[int(cfg['status'])-1]}",
                 f"Intended Audience :: {cfg['audience']}",
                 f"Natural Language :: {cfg['language']}",
                 f"Programming Language :: Python :: 3"],
    url=cfg['git_url'],
    packages=setuptools.find_packages(include=[cfg['lib_path'], cfg['lib_path'] + '.*']),
    include_package_data=True,
    install_requires=reqs('requirements'),
    extras_require={'dev': reqs('dev_requirements')},
    python_requires='>=' + cfg['min_python'],
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    zip_safe=False,
    cmdclass={'build_py': BuildPyLessons},
    entry_points={'console_scripts': cfg.get('console_scripts', '').split(),
                  'nbdev': [f"{cfg['lib_path']}={cfg['lib_path']}._modidx:d"]},
)
