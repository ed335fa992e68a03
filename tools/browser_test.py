"""Real-browser test of the step-through view `mlp_from_scratch.explore.explore` (nbs/24_explore.ipynb).

Writes a notebook into a temporary folder (a small hand-written MLP, trained for a few seconds on MNIST, and
`explore(model, x, y)` on the validation images it finds hardest), starts JupyterLab on 127.0.0.1 with a token,
runs the notebook in headless Chromium driven by Selenium, and checks what the page shows:
  - Step walks through every layer forward, the loss, every layer backward and the SGD update, and the stage label
    names each in turn: 'forward 1/3: Lin', ..., 'loss', 'backward 1/3: Lin', ..., 'update' (stages the view shows
    between these, such as the loss's own backward step, are allowed);
  - the figure shows an image at every step, and it changes along the way;
  - every gradient check shown is marked as passing, and there is at least one per backward step;
  - after the update, the loss on the image is lower than before ('loss on image 0: 2.81 → 0.42');
  - Back returns to the step before, and Step comes back;
  - a '1' and a '7' drawn with the mouse on the canvas are predicted as such ('prediction: 7 (p = 0.99)'), and
    Reset then Step walk through the same passes on the drawn digit, every gradient check passing.
Saves a screenshot of the view for a person to look at (default tools/explore.png). Prints one line per check,
exits 1 if any failed; the server and the browser are always shut down.

Needs selenium (`pip install selenium`) and Debian's Chromium and its driver (`apt-get install -y chromium
chromium-driver`), or any Chrome and its driver named by CHROME_BIN and CHROMEDRIVER; installs nothing itself
(`--ready` says whether it can run). Takes 25 to 50 s on a 2-core machine.
Usage: python tools/browser_test.py [--port N] [--screenshot PATH] [--keep] [--digits 1,7] [--ready]"""
import json, os, re, secrets, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.request
from pathlib import Path
from fastcore.script import call_parse

LAYERS = ['Lin', 'Relu', 'Lin']   # the model the notebook builds, as the stage label names its layers
CELLS = ["""import torch
from mlp_from_scratch.data import load_mnist
from mlp_from_scratch.init import init_layer
from mlp_from_scratch.refactor import Sequential, Lin, Relu
from mlp_from_scratch.losses import CrossEntropy
from mlp_from_scratch.explore import explore""",
"""x_train,y_train,x_valid,y_valid = load_mnist()
g = torch.Generator().manual_seed(0)
model = Sequential(Lin(*init_layer(784, 50, g)), Relu(), Lin(*init_layer(50, 10, g)))
loss_fn = CrossEntropy()
for i in range(0, 30000, 100):   # one pass of hand-written SGD over 30,000 images: enough to read a drawn digit
    loss_fn(model(x_train[i:i+100]), y_train[i:i+100])
    loss_fn.backward(); model.backward()
    for p in model.parameters(): p -= 0.5 * p.g
print(f'accuracy {(model(x_valid).argmax(1) == y_valid).float().mean():.3f}')""",
"""# the 8 images of the first 100 it finds hardest: one update lowers their loss visibly
losses = torch.nn.functional.cross_entropy(model(x_valid[:100]), y_valid[:100], reduction='none')
idx = losses.argsort(descending=True)[:8]
explore(model, x_valid[idx], y_valid[idx])"""]

def _find(env:str, *names)->str|None:
    "A browser program: where the environment variable `env` says, else the first of `names` on the PATH"
    return os.environ.get(env) or next((p for n in names if (p := shutil.which(n))), None)

# Debian's Chromium and its driver; or any Chrome and driver (as GitHub's runners have) named by these variables
CHROMIUM = _find('CHROME_BIN', 'chromium', 'chromium-browser', 'google-chrome')
DRIVER = _find('CHROMEDRIVER', 'chromedriver')

# a '1' then a '7', as strokes of points on the 280x280 canvas, offsets from its centre
# (about 140 pixels tall: an MLP trained on MNIST, whose digits fill a 20x20 box, misreads bigger ones)
DIGITS = {1: [[(5, -95), (0, 0), (-5, 95)]],
          7: [[(-56, -64), (56, -64), (-12, 76)]]}

def _missing()->str|None:
    "What to install, if the browser test cannot run here"
    try: import selenium  # noqa: F401
    except ImportError: return 'selenium is missing: pip install selenium'
    for f,pkg,env in ((CHROMIUM, 'chromium', 'CHROME_BIN'), (DRIVER, 'chromium-driver', 'CHROMEDRIVER')):
        if not f: return f'{pkg} is missing: apt-get install -y {pkg} (Debian\'s packages), or set {env}'
    try: import mlp_from_scratch.explore  # noqa: F401
    except ImportError as e: return f'mlp_from_scratch.explore does not import ({e}): run nbdev_export'

def _free_port()->int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]

def _write_notebook(d:Path)->Path:
    "The test notebook, and user settings that keep JupyterLab from asking about news"
    cells = [dict(cell_type='code', execution_count=None, id=f'c{i}', metadata={}, outputs=[], source=s)
             for i,s in enumerate(CELLS)]
    nb = dict(cells=cells, nbformat=4, nbformat_minor=5,
              metadata=dict(kernelspec=dict(name='python3', display_name='Python 3', language='python')))
    (fn := d/'explore.ipynb').write_text(json.dumps(nb, indent=1))
    st = d/'settings'/'@jupyterlab'/'apputils-extension'
    st.mkdir(parents=True)
    (st/'notification.jupyterlab-settings').write_text(json.dumps(dict(fetchNews='false', checkForUpdates=False)))
    return fn

def _start_server(d:Path, port:int, token:str)->subprocess.Popen:
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(d/'runtime'), JUPYTER_CONFIG_DIR=str(d/'config'),
               OMP_NUM_THREADS='1', PYTHONUNBUFFERED='1')
    env.pop('IN_TEST', None)   # nbdev's flag for a test run: with it, the view draws its static figure instead
    cmd = [sys.executable, '-m', 'jupyterlab', '--no-browser', '--allow-root', '--ip=127.0.0.1', f'--port={port}',
           '--port-retries=0', f'--IdentityProvider.token={token}', f'--ServerApp.root_dir={d}',
           '--LabApp.expose_app_in_browser=True',   # window.jupyterapp: run the cells, see the kernel and outputs
           f'--LabApp.workspaces_dir={d/"workspaces"}', f'--LabApp.user_settings_dir={d/"settings"}']
    return subprocess.Popen(cmd, cwd=d, env=env, stdout=(d/'server.log').open('w'), stderr=subprocess.STDOUT,
                            start_new_session=True)

def _wait_server(proc, url:str, timeout:float=60):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None: raise RuntimeError(f'jupyter lab exited with {proc.returncode}')
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200: return
        except OSError: time.sleep(0.2)
    raise TimeoutError(f'jupyter lab did not answer within {timeout} s')

def _stop_server(proc):
    "SIGTERM lets the server shut its kernels down; the process group is killed if that takes too long"
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try: proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

class Checks:
    "One printed line per check; `ok` is False once any failed"
    def __init__(self): self.ok,self.start = True,time.time()
    def __call__(self, passed:bool, what:str)->bool:
        print(f"{'ok  ' if passed else 'FAIL'}  {time.time() - self.start:4.0f} s  {what}", flush=True)
        self.ok &= bool(passed)
        return passed

# JupyterLab's own state, through `window.jupyterapp` (--LabApp.expose_app_in_browser)
KERNEL_IDLE = """const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
return !!(w && w.content && k && k.connectionStatus === 'connected' && k.status === 'idle');"""
CELL_ERROR = """const m = window.jupyterapp.shell.currentWidget.content.model;
for (const c of m.cells) if (c.type === 'code') for (let i = 0; i < c.outputs.length; i++) {
  const o = c.outputs.get(i).toJSON();
  if (o.output_type === 'error') return o.ename + ': ' + o.evalue + '\\n' + o.traceback.join('\\n'); }
return null;"""
FIGURE = """const f = document.querySelector('.mfs-figure');
if (!f) return null;
const ims = [f, ...f.querySelectorAll('img, canvas, svg')].filter(e => ['IMG', 'CANVAS', 'svg'].includes(e.tagName));
if (!ims.length || ims.some(e => e.tagName === 'IMG' && !(e.complete && e.naturalWidth > 0))) return null;
return ims.map(e => e.tagName === 'IMG' ? e.src : e.tagName === 'CANVAS' ? e.toDataURL() : e.outerHTML).join(' ');"""

# The kernel's comings and goings: a click on a widget sends a message to the kernel, which answers with the widgets'
# new state before it says it is idle again; some answers make the page send more (a canvas sends its pixels). So the
# page has caught up once the kernel has been idle again since the click, and for 0.2 s: QUIET gives its idle count + 1
# then, and 0 before
COUNT_IDLE = """const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
Object.assign(window, {mfsIdle: 0, mfsBusy: k.status !== 'idle', mfsLast: Date.now()});
k.statusChanged.connect((_, s) => {
  Object.assign(window, {mfsIdle: window.mfsIdle + (s === 'idle'), mfsBusy: s !== 'idle', mfsLast: Date.now()}); });"""
QUIET = "return !window.mfsBusy && Date.now() - window.mfsLast > 200 ? window.mfsIdle + 1 : 0;"

def _text(drv, cls:str)->str:
    return drv.execute_script(f"const e = document.querySelector('.{cls}'); return e ? e.innerText : null;") or ''

def _until(drv, f, timeout:float, what:str):
    "Wait for `f(drv)` to be truthy; a TimeoutError that says what did not happen"
    from selenium.webdriver.support.ui import WebDriverWait
    from selenium.common.exceptions import TimeoutException
    try: return WebDriverWait(drv, timeout, poll_frequency=0.05).until(f)
    except TimeoutException: raise TimeoutError(f'{what} did not happen within {timeout} s') from None

class CellError(Exception): "A cell of the notebook failed, or its output did not render"

def _run_notebook(drv, url:str, chk:Checks):
    "Open the notebook, wait for its kernel, run all cells, wait for the view"
    from selenium.webdriver.common.by import By
    drv.get(url)
    _until(drv, lambda d: d.execute_script(KERNEL_IDLE), 60, 'the kernel starting')
    drv.execute_script("window.jupyterapp.commands.execute('notebook:run-all-cells');")
    def shown(d):
        if err := d.execute_script(CELL_ERROR): raise CellError(re.sub(r'\x1b\[[0-9;]*m', '', err))
        if 'Error displaying widget' in (t := d.find_element(By.CSS_SELECTOR, '.jp-Notebook').text):
            raise CellError('the widget did not render: ' + t[-500:])
        return d.find_elements(By.CSS_SELECTOR, '.mfs-explorer')
    _until(drv, shown, 90, 'the view .mfs-explorer appearing')
    drv.execute_script(COUNT_IDLE)
    chk(True, 'the notebook ran and shows the view (.mfs-explorer)')

def _click(drv, cls:str, timeout:float=30):
    "Click the element of class `cls` once the kernel is quiet; wait until it has handled the click and is quiet again"
    from selenium.webdriver.common.by import By
    e = drv.find_element(By.CSS_SELECTOR, f'.{cls}')
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", e)
    n = _until(drv, lambda d: d.execute_script(QUIET), timeout, 'the kernel going quiet')
    e.click()
    _until(drv, lambda d: d.execute_script(QUIET) > n, timeout, f'the kernel handling .{cls}')

def _loss_numbers(s:str):
    num = r'(\d+(?:\.\d*)?(?:e[-+]?\d+)?)'
    return re.search(num + r'\s*(?:→|->)\s*' + num, s)

def _passes(drv, chk:Checks, on:str, lower:bool=True):
    """Click Step through the forward pass, the loss, the backward pass and the update, checking the stage at each
    click, the figure, the gradient checks and, if `lower`, that the update lowered the loss"""
    from selenium.webdriver.common.by import By
    n = len(LAYERS)
    stages = ([f'forward {i+1}/{n}: {l}' for i,l in enumerate(LAYERS)] + ['loss'] +
              [f'backward {i+1}/{n}: {l}' for i,l in enumerate(reversed(LAYERS))] + ['update'])
    norm = lambda s: ' '.join(s.lower().split())
    want = list(stages)
    seen,figures = [],[]
    while want and len(seen) < 2*len(LAYERS) + 6:   # the stages above in this order; others between them are shown
        _click(drv, 'mfs-step')
        seen.append(now := _text(drv, 'mfs-stage').strip())
        hit = norm(now).startswith(norm(want[0]))
        extra = not any(norm(now).startswith(norm(s)) for s in stages) and now not in seen[:-1]
        if not chk(hit or extra, f'{on}, step {len(seen)}: the stage reads {now!r}' +
                   (' (a stage between those expected)' if extra else '' if hit else f', expected {want[0]!r}')):
            return
        if hit: want.pop(0)
        try: figures.append(_until(drv, lambda d: d.execute_script(FIGURE), 10, 'an image in .mfs-figure'))
        except TimeoutError as e: return chk(False, f'{on}, {now}: {e}')
    if not chk(not want, f'{on}: ' + (f'the stages {want} never came' if want else
               f'all {len(stages)} expected stages came, in order, in {len(seen)} clicks')): return
    chk(len(set(figures)) >= len(figures)//2, f'{on}: the figure shows an image at each of the {len(figures)} steps, '
        f'{len(set(figures))} different ones')
    marks = drv.find_elements(By.CSS_SELECTOR, '.mfs-checks .mfs-check')
    bad = [m.text for m in marks if 'mfs-pass' not in m.get_attribute('class').split()]
    nb = sum(norm(s).startswith('backward') for s in seen)
    chk(len(marks) >= nb and not bad, f'{on}: {len(marks) - len(bad)} of {len(marks)} gradient checks pass '
        f'(at least {nb} expected, one per backward step)' + ''.join(f'\n      failed: {b}' for b in bad))
    m = _loss_numbers(t := _text(drv, 'mfs-loss'))
    chk(m and (float(m[2]) < float(m[1]) or not lower), f"{on}: {t!r}" + (' (lower after the update)' if lower else
        ' (shown; lower not required: the update follows the gradient of all the images)'))
    return seen

def _back(drv, chk:Checks, seen:list):
    "Back goes to the stage before the last, and Step returns to the last"
    _click(drv, 'mfs-back')
    chk((now := _text(drv, 'mfs-stage').strip()) == seen[-2], f'back: the stage reads {now!r}, expected {seen[-2]!r}')
    _click(drv, 'mfs-step')
    chk((now := _text(drv, 'mfs-stage').strip()) == seen[-1], f'step again: the stage reads {now!r}')

def _draw(drv, digit:int):
    "Draw `digit` on the canvas with the mouse, as `DIGITS` gives its strokes"
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.action_chains import ActionChains
    c = drv.find_element(By.CSS_SELECTOR, 'canvas.mfs-canvas, .mfs-canvas canvas')
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", c)
    for stroke in DIGITS[digit]:
        a = ActionChains(drv, duration=10).move_to_element_with_offset(c, *stroke[0]).click_and_hold()
        for (x0,y0),(x1,y1) in zip(stroke, stroke[1:]):   # 10 moves a segment, so that the canvas sees a line
            for k in range(1, 11): a.move_to_element_with_offset(c, round(x0+(x1-x0)*k/10), round(y0+(y1-y0)*k/10))
        a.release().perform()

def _predict(drv, chk:Checks, digit:int):
    "Clear the canvas, draw `digit`, click Predict: the prediction must be `digit`"
    _click(drv, 'mfs-clear')
    _draw(drv, digit)
    _click(drv, 'mfs-predict')
    m = re.search(r'prediction:\s*(\d)\s*\(p\s*=\s*([\d.]+)\)', t := _text(drv, 'mfs-prediction'))
    chk(m and int(m[1]) == digit and 0 < float(m[2]) <= 1, f'drawn {digit}: {t!r}')

@call_parse
def main(port:int=0,             # Port of the Jupyter server; 0 picks a free one
         screenshot:str=None,    # Where to save the screenshot of the view; default tools/explore.png
         keep:bool=False,        # Keep the temporary folder (notebook, server log) and say where it is
         digits:str='1,7',       # Digits to draw and expect as predictions, among those of `DIGITS`
         ready:bool=False        # Only say whether the test can run here (exit status 0) or what is missing
        ):
    "Drive the explore view in JupyterLab in headless Chromium; check what it shows; save a screenshot"
    if why := _missing(): sys.exit(f'browser test: {why}')
    if ready: return print(f'browser test can run: {CHROMIUM}, {DRIVER}')
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    screenshot = Path(screenshot or Path(__file__).parent/'explore.png')
    d = Path(tempfile.mkdtemp(prefix='mfs_browser_'))
    port,token = port or _free_port(),secrets.token_hex(16)
    chk,proc,drv = Checks(),None,None
    try:
        nb = _write_notebook(d)
        proc = _start_server(d, port, token)
        _wait_server(proc, f'http://127.0.0.1:{port}/api/status?token={token}')
        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM
        for a in ('--headless=new', '--no-sandbox', '--window-size=1400,1800', '--disable-dev-shm-usage'):
            opts.add_argument(a)
        opts.set_capability('goog:loggingPrefs', {'browser': 'SEVERE'})
        drv = webdriver.Chrome(options=opts, service=Service(DRIVER))
        _run_notebook(drv, f'http://127.0.0.1:{port}/lab/tree/{nb.name}?token={token}', chk)
        if seen := _passes(drv, chk, 'image 0'): _back(drv, chk, seen)
        for digit in map(int, digits.split(',')): _predict(drv, chk, digit)
        _click(drv, 'mfs-reset')   # and the same passes on the last drawn digit
        _passes(drv, chk, 'drawn digit', lower=False)
        _click(drv, 'mfs-back')   # the picture: the drawn digit's x.g and w1.g, its checks, the canvas
        view = drv.find_element('css selector', '.mfs-explorer')
        drv.execute_script("arguments[0].scrollIntoView({block: 'start'});", view)
        chk(view.screenshot(str(screenshot)), f'screenshot of the view saved to {screenshot}')
    except Exception as e:
        chk(False, f"{type(e).__name__}: {getattr(e, 'msg', None) or e}")   # selenium's msg: no stack
        try: print(''.join(f"      browser: {e['message']}\n" for e in drv.get_log('browser')) if drv else '', end='')
        except Exception: pass   # the browser is gone: nothing to add
        if not isinstance(e, CellError) and (log := d/'server.log').exists():
            print('      server log, last lines:\n' + log.read_text()[-3000:])
    finally:
        if drv: drv.quit()
        if proc: _stop_server(proc)
        if keep: print(f'kept {d}')
        else: shutil.rmtree(d, ignore_errors=True)
    print(f"browser test {'passed' if chk.ok else 'FAILED'} in {time.time() - chk.start:.0f} s")
    sys.exit(0 if chk.ok else 1)
